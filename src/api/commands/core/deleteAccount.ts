import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteAccount',
  description: 'Deletes an account, its users and everything it owns.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: true,
  event: 'ACCOUNT.DELETE',
  instanceType: 'Account',
  resumable: true,
  params: { id: p.uuid({ entity: 'Account', required: true, doc: 'The account' }) },
  response: success,
  async prepare(ctx, params) {
    const a = await ctx.services.accounts.getForUpdate(ctx.caller, params.id);
    return { instanceUuid: a.uuid };
  },
  async handler(ctx, params) {
    await ctx.services.accounts.delete(ctx.caller, params.id);
    return { success: true };
  },
});
