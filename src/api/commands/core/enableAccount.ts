import { defineCommand, objectOf } from '../../define-command.js';
import { accountResponse } from '../../responses/identity.js';
import { accountSelector, accountWire } from './account-common.js';

export default defineCommand({
  name: 'enableAccount',
  description: 'Enables a disabled or locked account.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: accountSelector,
  response: objectOf(accountResponse),
  async handler(ctx, params) {
    const a = await ctx.services.accounts.resolve(ctx.caller, params);
    return accountWire(ctx, await ctx.services.accounts.setState(ctx.caller, a, 'enabled'));
  },
});
