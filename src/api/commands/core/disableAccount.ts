import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { accountResponse } from '../../responses/identity.js';
import { accountSelector, accountWire } from './account-common.js';

export default defineCommand({
  name: 'disableAccount',
  description: 'Disables an account (its users can no longer log in or call the API); lock=true locks it instead.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: true,
  event: 'ACCOUNT.DISABLE',
  instanceType: 'Account',
  resumable: true,
  params: { ...accountSelector, lock: p.boolean({ required: true, doc: 'Lock (true) or disable (false)' }) },
  response: objectOf(accountResponse),
  async prepare(ctx, params) {
    const a = await ctx.services.accounts.resolve(ctx.caller, params);
    return { instanceUuid: a.uuid };
  },
  async handler(ctx, params) {
    const a = await ctx.services.accounts.resolve(ctx.caller, params);
    return accountWire(ctx, await ctx.services.accounts.setState(ctx.caller, a, params.lock ? 'locked' : 'disabled'));
  },
});
