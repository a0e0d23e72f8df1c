import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { accountResponse, toAccount } from '../../responses/identity.js';
import { domainListParams, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listAccounts',
  description: 'Lists accounts the caller may see, with their users.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...domainListParams,
    accounttype: p.integer({ doc: 'Only accounts of this type (0 user, 1 admin, 2 domain admin)' }),
    id: p.uuid({ entity: 'Account', doc: 'Only this account' }),
    iscleanuprequired: p.boolean({ doc: 'Only accounts that need cleanup' }),
    name: p.string({ doc: 'Only accounts with this name' }),
    state: p.string({ doc: 'Only accounts in this state (enabled, disabled, locked)' }),
    details: p.stringList({ doc: 'Detail groups to include (all, resource, min)' }),
  },
  response: listOf(accountResponse),
  async handler(ctx, params) {
    // Unlike most lists, accounts default to the admin's whole subtree (QueryManagerImpl.searchForAccountsInternal).
    const scope = await scopeOf(ctx, { ...params, listall: params.listall ?? true });
    const r = await ctx.services.accounts.list(ctx.caller, scope, params, pageOf(ctx, params));
    const users = await ctx.services.users.byAccounts(r.rows);
    const items = r.rows.map((a) => toAccount(a, users.get(a.id) ?? []));
    await ctx.services.limitAdmin.addWireFields('account', r.rows.map((a, i) => ({ id: a.id, rootAdmin: a.type === 1, wire: items[i]! })));
    return { items, count: r.count };
  },
});
