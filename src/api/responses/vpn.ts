/** Wire shapes of remote access VPNs and VPN users. */
import { defineResponse, type Wire } from './define.js';
import { displayPath } from './identity.js';
import type { VpnRow, VpnUserRow } from '../../services/vpn/vpn.service.js';

export const remoteAccessVpnResponse = defineResponse({
  objectName: 'remoteaccessvpn',
  className: 'RemoteAccessVpnResponse',
  fields: {
    id: 'string', publicipid: 'string', publicip: 'string', iprange: 'string', presharedkey: 'string', account: 'string', domainid: 'string', domain: 'string',
    domainpath: 'string', state: 'string', fordisplay: 'boolean',
  },
});

export function toRemoteAccessVpn(v: VpnRow): Wire {
  return {
    id: v.uuid, publicipid: v.ip_uuid, publicip: v.public_ip_address, iprange: v.ip_range, presharedkey: v.psk, account: v.account_name, domainid: v.domain_uuid,
    domain: v.domain_name, domainpath: displayPath(v.domain_path), state: v.state, fordisplay: v.for_display === 1,
  };
}

export const vpnUserResponse = defineResponse({
  objectName: 'vpnuser',
  className: 'VpnUsersResponse',
  fields: { id: 'string', username: 'string', account: 'string', domainid: 'string', domain: 'string', domainpath: 'string', state: 'string' },
});

export function toVpnUser(u: VpnUserRow): Wire {
  return { id: u.uuid, username: u.username, account: u.account_name, domainid: u.domain_uuid, domain: u.domain_name, domainpath: displayPath(u.domain_path), state: u.state };
}
