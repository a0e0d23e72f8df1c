import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { accountResponse } from '../../responses/identity.js';
import { accountWire } from './account-common.js';

export default defineCommand({
  name: 'lockAccount',
  description: 'Locks an account: its users can no longer log in or call the API.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    account: p.string({ required: true, doc: 'Account name' }),
    domainid: p.uuid({ entity: 'Domain', required: true, doc: 'Domain of the account' }),
  },
  response: objectOf(accountResponse),
  async handler(ctx, params) {
    const a = await ctx.services.accounts.resolve(ctx.caller, params);
    return accountWire(ctx, await ctx.services.accounts.setState(ctx.caller, a, 'locked'));
  },
});
