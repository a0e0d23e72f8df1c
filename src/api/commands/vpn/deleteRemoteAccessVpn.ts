import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteRemoteAccessVpn',
  description: 'Disables remote access on the address: the router stops serving it (the VPN users stay with the account).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'VPN.REMOTE.ACCESS.DESTROY',
  instanceType: 'RemoteAccessVpn',
  params: {
    publicipid: p.uuid({ entity: 'IpAddress', required: true, doc: 'The address the VPN is on' }),
    accountid: p.uuid({ entity: 'Account', doc: 'Accepted for compatibility: the VPN is always the IP owner\'s' }),
  },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.vpn.ofIp(ctx.caller, q.publicipid)).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.vpn.delete(ctx.caller, q.publicipid);
    return { success: true };
  },
});
