import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toVpnUser, vpnUserResponse } from '../../responses/vpn.js';
import { accountListParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listVpnUsers',
  description: 'Lists VPN users the caller may see.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'VpnUser', doc: 'The user' }),
    username: p.string({ doc: 'The user name' }),
  },
  response: listOf(vpnUserResponse),
  async handler(ctx, q) {
    const scope = await ctx.services.scoper.listScope(ctx.caller, q);
    return listResult(await ctx.services.vpn.listUsers(scope, { id: q.id, username: q.username, keyword: q.keyword }, pageOf(ctx, q)), toVpnUser);
  },
});
