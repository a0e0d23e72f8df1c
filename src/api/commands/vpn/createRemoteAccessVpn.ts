import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { remoteAccessVpnResponse, toRemoteAccessVpn } from '../../responses/vpn.js';

export default defineCommand({
  name: 'createRemoteAccessVpn',
  description: "Enables L2TP/IPsec remote access on an isolated network's source NAT address: the router serves it, with a generated pre-shared key and the account's VPN users.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'VPN.REMOTE.ACCESS.CREATE',
  instanceType: 'RemoteAccessVpn',
  resumable: true,
  params: {
    publicipid: p.uuid({ entity: 'IpAddress', required: true, doc: 'The source NAT address of the network' }),
    iprange: p.string({ doc: 'Client addresses first-last (default remote.access.vpn.client.iprange); the first is the server' }),
    account: p.string({ doc: "The IP owner's account (with domainid); the VPN is always the IP owner's" }),
    domainid: p.uuid({ entity: 'Domain', doc: "The IP owner's domain" }),
    openfirewall: p.boolean({ doc: 'The router opens UDP 500, 4500 and 1701 on the address (default true)' }),
    fordisplay: p.boolean({ roles: ['Admin'], doc: 'Shown to the end user (default true)' }),
  },
  response: objectOf(remoteAccessVpnResponse),
  async create(ctx, q) {
    const ip = await ctx.services.publicIps.getOwned(ctx.caller, q.publicipid);
    if (q.account !== undefined) {
      const owner = await ctx.services.networks.owner(ctx.caller, q.account, q.domainid);
      if (owner.id !== ip.account_id) throw paramError('The account does not own the public ip');
    }
    const v = await ctx.services.vpn.create(ctx.caller, { ipId: q.publicipid, ipRange: q.iprange, openFirewall: q.openfirewall, forDisplay: q.fordisplay });
    return { uuid: v.uuid, ref: { id: v.id } };
  },
  async handler(ctx, _q, created) {
    return toRemoteAccessVpn(await ctx.services.vpn.apply(Number(created!.ref!['id'])));
  },
});
