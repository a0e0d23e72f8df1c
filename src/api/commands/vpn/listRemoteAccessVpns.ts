import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { remoteAccessVpnResponse, toRemoteAccessVpn } from '../../responses/vpn.js';
import { accountListParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listRemoteAccessVpns',
  description: 'Lists remote access VPNs the caller may see.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'RemoteAccessVpn', doc: 'The VPN' }),
    publicipid: p.uuid({ entity: 'IpAddress', doc: 'The VPN on this address' }),
    networkid: p.uuid({ entity: 'Network', doc: 'The VPN of this network' }),
    fordisplay: p.boolean({ roles: ['Admin'], doc: 'Only VPNs shown (or hidden) to the end user' }),
  },
  response: listOf(remoteAccessVpnResponse),
  async handler(ctx, q) {
    const scope = await ctx.services.scoper.listScope(ctx.caller, q);
    return listResult(await ctx.services.vpn.list(scope, { id: q.id, ipId: q.publicipid, networkId: q.networkid, forDisplay: q.fordisplay }, pageOf(ctx, q)), toRemoteAccessVpn);
  },
});
