/**
 * The remote access VPN part of networks' router state: the VPN on each network's source NAT
 * address and its owner's users. Set-based like the rest of the snapshot: two queries for any
 * number of networks.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { RouterVpn } from '../../network/router/document.js';

export async function vpnRouterStates(exec: Kysely<Database>, networkIds: number[]): Promise<Map<number, RouterVpn>> {
  const out = new Map<number, RouterVpn>();
  if (networkIds.length === 0) return out;
  const vpns = await exec.selectFrom('remote_access_vpns as v').innerJoin('user_ip_addresses as i', 'i.id', 'v.ip_address_id')
    .select(['v.network_id', 'v.account_id', 'v.ip_range', 'v.psk', 'v.open_firewall', 'i.public_ip_address'])
    .where('v.network_id', 'in', networkIds).where('v.removed', 'is', null).where('i.state', '!=', 'Free').execute();
  if (vpns.length === 0) return out;
  const users = await exec.selectFrom('vpn_users').select(['account_id', 'username', 'password'])
    .where('account_id', 'in', [...new Set(vpns.map((v) => v.account_id))]).where('removed', 'is', null).orderBy('username').execute();
  for (const v of vpns) {
    out.set(v.network_id, {
      publicIp: v.public_ip_address, ipRange: v.ip_range, presharedKey: v.psk, openFirewall: v.open_firewall === 1,
      users: users.filter((u) => u.account_id === v.account_id).map((u) => ({ username: u.username, password: u.password })),
    });
  }
  return out;
}
