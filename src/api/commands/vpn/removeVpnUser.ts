import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'removeVpnUser',
  description: "Removes a VPN user from the account; every remote access VPN of the account stops accepting it.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'VPN.USER.REMOVE',
  instanceType: 'VpnUser',
  params: {
    username: p.string({ required: true, doc: 'The user name' }),
    account: p.string({ doc: 'Owner account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Owner domain' }),
  },
  response: success,
  async prepare(ctx, q) {
    await ctx.services.networks.owner(ctx.caller, q.account, q.domainid);
    return {};
  },
  async handler(ctx, q) {
    await ctx.services.vpn.removeUser(ctx.caller, await ctx.services.networks.owner(ctx.caller, q.account, q.domainid), q.username);
    return { success: true };
  },
});
