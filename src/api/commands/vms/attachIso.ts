import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'attachIso',
  description: 'Attaches an ISO to a virtual machine.',
  roles: [...USER_ROLES],
  async: true,
  event: 'ISO.ATTACH',
  instanceType: 'VirtualMachine',
  params: { id: p.uuid({ entity: 'Iso', required: true, doc: 'The ISO' }), virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The virtual machine' }), forced: p.boolean({ doc: 'Force the operation' }) },
  response: objectOf(userVmResponse),
  async prepare(ctx, params) {
    const vm = await ctx.services.vms.access(ctx.caller, params.virtualmachineid);
    return { instanceUuid: vm.uuid };
  },
  async handler(ctx, params) {
    await ctx.services.vms.attachIso(ctx.caller, params.virtualmachineid, params.id);
    return vmWire(ctx, params.virtualmachineid);
  },
});
