import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { accountResponse } from '../../responses/identity.js';
import { accountSelector, accountWire } from './account-common.js';

export default defineCommand({
  name: 'updateAccount',
  description: 'Renames an account or changes its network domain or role.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    ...accountSelector,
    roleid: p.uuid({ entity: 'Role', doc: 'New role (same role type)' }),
    newname: p.string({ doc: 'New account name' }),
    networkdomain: p.string({ doc: 'New network domain' }),
    accountdetails: p.map({ doc: 'Account details (key/value)' }),
  },
  response: objectOf(accountResponse),
  async handler(ctx, params) {
    const a = await ctx.services.accounts.resolve(ctx.caller, params);
    return accountWire(ctx, await ctx.services.accounts.update(ctx.caller, a, { newName: params.newname, networkDomain: params.networkdomain, roleId: params.roleid }));
  },
});
