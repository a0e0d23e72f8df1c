import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteCluster',
  description: 'Deletes a cluster that has no hosts and no storage pools.',
  roles: ['Admin'],
  async: false,
  params: { id: p.uuid({ entity: 'Cluster', required: true, doc: 'The cluster' }) },
  response: success,
  async handler(ctx, q) {
    await ctx.services.clusters.delete(ctx.caller, q.id);
    return { success: true };
  },
});
