import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toVpnUser, vpnUserResponse } from '../../responses/vpn.js';

export default defineCommand({
  name: 'addVpnUser',
  description: "Adds a VPN user to the account (at most remote.access.vpn.user.limit); every remote access VPN of the account accepts it.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'VPN.USER.ADD',
  instanceType: 'VpnUser',
  resumable: true,
  params: {
    username: p.string({ required: true, doc: 'User name (3-64 characters: letters, digits, @ . _ -)' }),
    password: p.string({ required: true, doc: 'Password (3-32 characters: letters, digits, @ # + = . _ -)' }),
    account: p.string({ doc: 'Owner account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Owner domain' }),
  },
  response: objectOf(vpnUserResponse),
  async create(ctx, q) {
    const owner = await ctx.services.networks.owner(ctx.caller, q.account, q.domainid);
    const u = await ctx.services.vpn.addUser(ctx.caller, owner, q.username, q.password);
    return { uuid: u.uuid, ref: { id: u.id, accountId: owner.id } };
  },
  async handler(ctx, _q, created) {
    await ctx.services.vpn.pushAccount(Number(created!.ref!['accountId']));
    return toVpnUser(await ctx.services.vpn.getUser(Number(created!.ref!['id'])));
  },
});
