import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deletePod',
  description: 'Deletes an empty pod (no hosts, clusters, storage or private IPs in use).',
  roles: ['Admin'],
  async: false,
  params: { id: p.uuid({ entity: 'Pod', required: true, doc: 'The pod' }) },
  response: success,
  async handler(ctx, q) {
    await ctx.services.pods.delete(ctx.caller, q.id);
    return { success: true };
  },
});
