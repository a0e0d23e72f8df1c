import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userResponse } from '../../responses/identity.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';
import { userWire } from './user-common.js';

export default defineCommand({
  name: 'listUsers',
  description: 'Lists users the caller may see.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    accounttype: p.integer({ doc: 'Only users of accounts of this type' }),
    id: p.uuid({ entity: 'User', doc: 'Only this user' }),
    state: p.string({ doc: 'Only users in this state' }),
    username: p.string({ doc: 'Only users with this username' }),
    usersource: p.string({ doc: 'Only users from this source (native, ldap…)' }),
  },
  response: listOf(userResponse),
  async handler(ctx, params) {
    const scope = await scopeOf(ctx, { ...params, listall: params.listall ?? true });
    return listResult(await ctx.services.users.list(scope, params, pageOf(ctx, params)), (u) => userWire(ctx, u));
  },
});
