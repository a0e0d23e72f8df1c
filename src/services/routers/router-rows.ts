/** Router rows: the DomainRouter VM joined with its network, addresses and names, and its NICs. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { NicSpec } from '../../protocol/messages.js';
import { macFor } from '../networks/network.queries.js';

export const routerQuery = (k: Kysely<Database>) =>
  k.selectFrom('domain_routers as r')
    .innerJoin('vm_instances as v', 'v.id', 'r.vm_id')
    .innerJoin('networks as n', 'n.id', 'r.network_id')
    .innerJoin('accounts as a', 'a.id', 'v.account_id')
    .innerJoin('domains as d', 'd.id', 'v.domain_id')
    .innerJoin('zones as z', 'z.id', 'v.zone_id')
    .leftJoin('hosts as h', 'h.id', 'v.host_id')
    .leftJoin('pods as p', 'p.id', 'v.pod_id')
    .leftJoin('service_offerings as so', 'so.id', 'v.service_offering_id')
    .leftJoin('user_ip_addresses as ip', 'ip.id', 'r.public_ip_id')
    .leftJoin('vlans as vl', 'vl.id', 'ip.vlan_id')
    .select([
      'r.id as router_id', 'r.vm_id', 'r.network_id', 'r.guest_ip', 'r.public_ip_id', 'r.link_local_ip', 'r.applied_version', 'r.applied_at',
      'v.uuid', 'v.name', 'v.instance_name', 'v.state', 'v.account_id', 'v.domain_id', 'v.zone_id', 'v.pod_id', 'v.cluster_id', 'v.host_id', 'v.update_count',
      'v.created', 'v.state_changed', 'v.ha_enabled',
      'n.uuid as network_uuid', 'n.name as network_name', 'n.netmask as guest_netmask', 'n.gateway as guest_gateway', 'n.broadcast_uri as guest_broadcast_uri',
      'n.network_domain', 'n.guest_type',
      'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path', 'z.uuid as zone_uuid', 'z.name as zone_name',
      'z.dns1', 'z.dns2', 'h.uuid as host_uuid', 'h.name as host_name', 'h.hypervisor_type as host_hypervisor', 'p.uuid as pod_uuid',
      'so.uuid as so_uuid', 'so.name as so_name',
      'ip.public_ip_address', 'vl.gateway as public_gateway', 'vl.netmask as public_netmask', 'vl.vlan_tag as public_vlan', 'vl.uuid as public_vlan_uuid',
    ])
    .where('r.removed', 'is', null)
    .where('v.removed', 'is', null);

export type RouterView = Awaited<ReturnType<ReturnType<typeof routerQuery>['executeTakeFirstOrThrow']>>;

/** The control NIC's link-local address: unique per router id, in 169.254.0.0/16 (never .0.x or .255.x). */
export function linkLocalFor(routerVmId: number): string {
  const n = routerVmId % (254 * 254);
  return `169.254.${1 + Math.floor(n / 254)}.${1 + (n % 254)}`;
}

/** The router's NICs as the seed describes them: guest (the network's gateway), control (link-local), public (source NAT). */
export function routerNics(r: RouterView): NicSpec[] {
  const nics: NicSpec[] = [
    {
      uuid: `${r.uuid}-guest`, deviceId: 0, mac: macFor(r.vm_id, 0), ip: r.guest_ip, netmask: r.guest_netmask, gateway: null, isDefault: false,
      trafficType: 'Guest', broadcastUri: r.guest_broadcast_uri, networkUuid: r.network_uuid, networkDomain: r.network_domain,
    },
    {
      uuid: `${r.uuid}-control`, deviceId: 1, mac: macFor(r.vm_id, 1), ip: r.link_local_ip, netmask: '255.255.0.0', gateway: null, isDefault: false,
      trafficType: 'Control', broadcastUri: null,
    },
  ];
  if (r.public_ip_address) {
    const tag = r.public_vlan && r.public_vlan !== 'untagged' ? `vlan://${r.public_vlan.replace(/^vlan:\/\//, '')}` : 'vlan://untagged';
    nics.push({
      uuid: `${r.uuid}-public`, deviceId: 2, mac: macFor(r.vm_id, 2), ip: r.public_ip_address, netmask: r.public_netmask, gateway: r.public_gateway, isDefault: true,
      trafficType: 'Public', broadcastUri: tag,
    });
  }
  return nics;
}
