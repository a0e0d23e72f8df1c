import { defineCommand, objectOf } from '../../define-command.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, prepareVm, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'resetPasswordForVirtualMachine',
  description: 'Resets the password of a VM made from a password-enabled template; the response carries the new password.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VM.RESETPASSWORD',
  instanceType: 'VirtualMachine',
  params: { ...vmId },
  response: objectOf(userVmResponse),
  prepare: prepareVm,
  async handler(ctx, params) {
    const { password } = await ctx.services.vms.resetPassword(ctx.caller, params.id);
    return vmWire(ctx, params.id, { password });
  },
});
