import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteNetworkOffering',
  description: 'Deletes a network offering no network uses (default offerings cannot be deleted).',
  roles: ['Admin'],
  async: false,
  event: 'NETWORK.OFFERING.DELETE',
  params: { id: p.uuid({ entity: 'NetworkOffering', required: true, doc: 'The offering' }) },
  response: success,
  async handler(ctx, q) {
    await ctx.services.networkOfferings.delete(q.id);
    return { success: true };
  },
});
