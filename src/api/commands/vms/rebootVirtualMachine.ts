import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, prepareVm, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'rebootVirtualMachine',
  description: 'Reboots a virtual machine.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VM.REBOOT',
  instanceType: 'VirtualMachine',
  params: { ...vmId },
  response: objectOf(userVmResponse),
  prepare: prepareVm,
  async handler(ctx, params) {
    await ctx.services.vms.ops.reboot(ctx.caller, params.id);
    return vmWire(ctx, params.id);
  },
});
