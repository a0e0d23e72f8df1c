import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'changeServiceForVirtualMachine',
  description: 'Changes the service offering of a stopped virtual machine.',
  roles: [...USER_ROLES],
  async: false,
  params: { ...vmId, serviceofferingid: p.uuid({ entity: 'ServiceOffering', required: true, doc: 'The new service offering' }) },
  response: objectOf(userVmResponse),
  async handler(ctx, params) {
    await ctx.services.vms.access(ctx.caller, params.id);
    await ctx.services.vms.changeOffering(ctx.caller, params.id, params.serviceofferingid);
    return vmWire(ctx, params.id);
  },
});
