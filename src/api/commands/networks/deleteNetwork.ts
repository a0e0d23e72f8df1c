import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteNetwork',
  description: 'Deletes a guest network without VMs: its public IPs are released, its rules and guest VLAN go.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NETWORK.DELETE',
  instanceType: 'Network',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'Network', required: true, doc: 'The network' }),
    forced: p.boolean({ doc: 'Ignored' }),
  },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networks.checkDelete(ctx.caller, q.id)).uuid };
  },
  async handler(ctx, q) {
    const n = await ctx.services.networks.get(q.id).catch(() => undefined);
    if (n) await ctx.services.networks.delete(ctx.caller, q.id);
    return { success: true };
  },
});
