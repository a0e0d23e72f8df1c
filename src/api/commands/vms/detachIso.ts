import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'detachIso',
  description: 'Detaches the ISO from a virtual machine.',
  roles: [...USER_ROLES],
  async: true,
  event: 'ISO.DETACH',
  instanceType: 'VirtualMachine',
  params: { virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The virtual machine' }), forced: p.boolean({ doc: 'Force the operation' }) },
  response: objectOf(userVmResponse),
  async prepare(ctx, params) {
    const vm = await ctx.services.vms.access(ctx.caller, params.virtualmachineid);
    return { instanceUuid: vm.uuid };
  },
  async handler(ctx, params) {
    await ctx.services.vms.attachIso(ctx.caller, params.virtualmachineid, null);
    return vmWire(ctx, params.virtualmachineid);
  },
});
