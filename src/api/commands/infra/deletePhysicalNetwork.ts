import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deletePhysicalNetwork',
  description: 'Deletes a physical network no guest network, VLAN or IP range uses, with its traffic types and providers.',
  roles: ['Admin'],
  async: true,
  event: 'PHYSICAL.NETWORK.DELETE',
  instanceType: 'PhysicalNetwork',
  params: { id: p.uuid({ entity: 'PhysicalNetwork', required: true, doc: 'The physical network' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.physicalNetworks.get(q.id)).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.physicalNetworks.delete(q.id);
    return { success: true };
  },
});
