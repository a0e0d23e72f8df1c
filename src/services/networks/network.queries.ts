/** Network rows with the names the responses show, and small address helpers. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { NetworksTable } from '../../db/schema/networks.js';
import { formatIp, parseCidr, parseIp, prefixToMask } from '../infra/ipv4.js';

export type NetworkRow = Selectable<NetworksTable> & {
  offering_uuid: string; offering_name: string; offering_display_text: string; offering_conserve_mode: number; offering_availability: string;
  offering_specify_vlan: number; offering_specify_ip_ranges: number; offering_egress_default_policy: number; offering_is_persistent: number;
  zone_uuid: string; zone_name: string; zone_dns1: string | null; zone_dns2: string | null;
  account_name: string; domain_uuid: string; domain_name: string; domain_path: string; physical_network_uuid: string | null;
  services: Array<{ service: string; provider: string }>;
};

export const networkQuery = (k: Kysely<Database>) =>
  k.selectFrom('networks as n')
    .innerJoin('network_offerings as o', 'o.id', 'n.network_offering_id')
    .innerJoin('zones as z', 'z.id', 'n.zone_id')
    .innerJoin('accounts as a', 'a.id', 'n.account_id')
    .innerJoin('domains as d', 'd.id', 'n.domain_id')
    .leftJoin('physical_networks as pn', 'pn.id', 'n.physical_network_id')
    .selectAll('n')
    .select([
      'o.uuid as offering_uuid', 'o.name as offering_name', 'o.display_text as offering_display_text', 'o.conserve_mode as offering_conserve_mode',
      'o.availability as offering_availability', 'o.specify_vlan as offering_specify_vlan', 'o.specify_ip_ranges as offering_specify_ip_ranges',
      'o.egress_default_policy as offering_egress_default_policy', 'o.is_persistent as offering_is_persistent',
      'z.uuid as zone_uuid', 'z.name as zone_name', 'z.dns1 as zone_dns1', 'z.dns2 as zone_dns2',
      'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path', 'pn.uuid as physical_network_uuid',
    ])
    .where('n.removed', 'is', null);

/** Attaches each network's offering services (one query for the page). */
export async function withServices(k: Kysely<Database>, rows: Array<Omit<NetworkRow, 'services'>>): Promise<NetworkRow[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.network_offering_id))];
  const svcs = await k.selectFrom('network_offering_services').select(['network_offering_id', 'service', 'provider']).where('network_offering_id', 'in', ids).orderBy('id').execute();
  const by = new Map<number, Array<{ service: string; provider: string }>>();
  for (const s of svcs) {
    const l = by.get(s.network_offering_id) ?? [];
    l.push({ service: s.service, provider: s.provider });
    by.set(s.network_offering_id, l);
  }
  return rows.map((r) => ({ ...r, services: by.get(r.network_offering_id) ?? [] }));
}

/** Guest addresses of a CIDR usable by NICs: network+1 … broadcast−1, without the gateway. */
export function* guestAddresses(cidr: string, gateway: string | null, start?: string | null, end?: string | null): Generator<string> {
  const c = parseCidr(cidr);
  if (!c) return;
  const mask = prefixToMask(c.prefix);
  const net = c.network;
  const bcast = (net | (~mask >>> 0)) >>> 0;
  let lo = net + 1;
  let hi = bcast - 1;
  if (start) lo = Math.max(lo, parseIp(start) ?? lo);
  if (end) hi = Math.min(hi, parseIp(end) ?? hi);
  for (let n = lo; n <= hi; n++) {
    const ip = formatIp(n >>> 0);
    if (ip !== gateway) yield ip;
  }
}

/**
 * The guest addresses of a network that are taken: NICs, secondary IPs, and a shared
 * network's DHCP router. Call under the network's row lock.
 */
export async function usedGuestIps(trx: Kysely<Database>, networkId: number): Promise<Set<string | null>> {
  // One after another: a transaction has one connection.
  const nics = await trx.selectFrom('nics').select('ip_address').where('network_id', '=', networkId).where('removed', 'is', null).execute();
  const secondary = await trx.selectFrom('nic_secondary_ips').select('ip_address').where('network_id', '=', networkId).execute();
  const routers = await trx.selectFrom('domain_routers').select('guest_ip as ip_address').where('network_id', '=', networkId).where('removed', 'is', null).execute();
  return new Set([...nics, ...secondary, ...routers].map((r) => r.ip_address));
}

/** Deterministic MAC: 02 (locally administered), device id, then the 32-bit VM id. */
export function macFor(vmId: number, deviceId: number): string {
  const b = [0x02, deviceId & 0xff, (vmId >>> 24) & 0xff, (vmId >>> 16) & 0xff, (vmId >>> 8) & 0xff, vmId & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
