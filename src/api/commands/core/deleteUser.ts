import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteUser',
  description: 'Deletes a user (not the last user of its account).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: { id: p.uuid({ entity: 'User', required: true, doc: 'The user' }) },
  response: success,
  async handler(ctx, params) {
    const u = await ctx.services.users.getForUpdate(ctx.caller, params.id);
    await ctx.services.users.delete(ctx.caller, u);
    return { success: true };
  },
});
