import { defineCommand, objectOf } from '../../define-command.js';
import { CloudError } from '../../errors.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'recoverVirtualMachine',
  description: 'Recovers a destroyed virtual machine (it comes back Stopped).',
  roles: [...USER_ROLES],
  async: false,
  params: { ...vmId },
  response: objectOf(userVmResponse),
  async handler(ctx, params) {
    await ctx.services.vms.access(ctx.caller, params.id);
    if (ctx.caller.roleType === 'User' && !(await ctx.services.config.getBoolean('allow.user.expunge.recover.vm').catch(() => false))) {
      throw new CloudError('PermissionDenied', 'Recovering a VM can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.');
    }
    await ctx.services.vms.ops.recover(ctx.caller, params.id);
    return vmWire(ctx, params.id);
  },
});
