import { defineCommand, objectOf } from '../../define-command.js';
import { CloudError } from '../../errors.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, prepareVm, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'destroyVirtualMachine',
  description: 'Destroys a virtual machine (stopping it abruptly first); it can be recovered until it is expunged.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VM.DESTROY',
  instanceType: 'VirtualMachine',
  params: { ...vmId,
    expunge: p.boolean({ doc: 'Expunge the VM at once instead of after expunge.delay' }),
   },
  response: objectOf(userVmResponse),
  prepare: prepareVm,
  async handler(ctx, params) {
    if (params.expunge === true && ctx.caller.roleType !== 'Admin' && !(await ctx.services.config.getBoolean('allow.user.expunge.recover.vm').catch(() => false))) {
      throw new CloudError('PermissionDenied', 'Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.');
    }
    const vm = await ctx.services.vms.ops.destroy(ctx.caller, params.id, params.expunge === true);
    if (vm.removed !== null) return vmWire(ctx, params.id);
    return vmWire(ctx, params.id);
  },
});
