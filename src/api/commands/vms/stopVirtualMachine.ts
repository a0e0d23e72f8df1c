import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, prepareVm, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'stopVirtualMachine',
  description: 'Stops a virtual machine: gracefully, forced after a timeout (or at once with forced=true).',
  roles: [...USER_ROLES],
  async: true,
  event: 'VM.STOP',
  instanceType: 'VirtualMachine',
  params: { ...vmId,
    forced: p.boolean({ doc: 'Force stop the VM (the guest is powered off without a graceful shutdown)' }),
   },
  response: objectOf(userVmResponse),
  prepare: prepareVm,
  async handler(ctx, params) {
    await ctx.services.vms.ops.stop(ctx.caller, params.id, params.forced === true);
    return vmWire(ctx, params.id);
  },
});
