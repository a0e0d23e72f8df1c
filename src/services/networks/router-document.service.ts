/**
 * Loads networks' snapshots and renders their router documents. Set-based for any number of
 * networks at once (one query per table for the whole batch, never one per network), so
 * re-pushing every router after a restart costs a few queries per few hundred routers.
 */
import type { Db } from '../../db/dialect.js';
import type { ConfigService } from '../config/config.service.js';
import { renderRouterDocument, type RouterState, type RouterStateRule } from '../../network/router/document.js';
import { networkQuery } from './network.queries.js';
import { paramError } from '../../api/errors.js';
import { vpnRouterStates } from '../vpn/vpn-state.js';

/** Networks per batch: keeps every `in (…)` list (rules are ~20 per network) well under each database's parameter limit. */
const BATCH = 250;

const groupBy = <T, K, V>(rows: T[], key: (r: T) => K, f: (r: T) => V): Map<K, V[]> => {
  const m = new Map<K, V[]>();
  for (const r of rows) {
    const k = key(r);
    const l = m.get(k);
    if (l) l.push(f(r));
    else m.set(k, [f(r)]);
  }
  return m;
};

export class RouterDocumentService {
  constructor(
    private readonly db: Db,
    private readonly config: ConfigService,
  ) {}

  async snapshot(networkId: number): Promise<RouterState> {
    const s = (await this.snapshots([networkId])).get(networkId);
    if (!s) throw paramError('Unable to find network by id');
    return s;
  }

  /** The snapshots of these networks (absent ones left out), BATCH networks per round of queries. */
  async snapshots(networkIds: number[]): Promise<Map<number, RouterState>> {
    const out = new Map<number, RouterState>();
    const ids = [...new Set(networkIds)];
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const [id, s] of await this.loadBatch(ids.slice(i, i + BATCH))) out.set(id, s);
    }
    return out;
  }

  private async loadBatch(networkIds: number[]): Promise<Map<number, RouterState>> {
    const k = this.db.kysely;
    const [nets, dhcpOnly, ips, rules, nics, vpns] = await Promise.all([
      networkQuery(k).where('n.id', 'in', networkIds).execute(),
      // Shared networks get a router only for DHCP (and DNS/user data): see RouterService.needsRouter.
      k.selectFrom('networks as n').innerJoin('network_offering_services as s', 's.network_offering_id', 'n.network_offering_id')
        .select('n.id').where('n.id', 'in', networkIds).where('n.guest_type', '=', 'Shared').where('s.service', '=', 'Dhcp').where('s.provider', '=', 'VirtualRouter').execute(),
      k.selectFrom('user_ip_addresses').select(['network_id', 'public_ip_address', 'source_nat', 'one_to_one_nat', 'vm_ip', 'vm_id'])
        .where('network_id', 'in', networkIds).where('state', 'in', ['Allocated', 'Allocating']).where('removed', 'is', null).execute(),
      k.selectFrom('firewall_rules as r').leftJoin('user_ip_addresses as i', 'i.id', 'r.ip_address_id')
        .select(['r.id', 'r.network_id', 'r.uuid', 'r.purpose', 'r.traffic_type', 'r.protocol', 'r.start_port', 'r.end_port', 'r.icmp_type', 'r.icmp_code', 'r.vm_ip', 'r.dest_port_start', 'r.dest_port_end', 'r.algorithm', 'r.name', 'i.public_ip_address'])
        .where('r.network_id', 'in', networkIds).where('r.removed', 'is', null).where('r.state', '!=', 'Revoke').execute(),
      k.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').leftJoin('service_offerings as so', 'so.id', 'v.service_offering_id')
        .select(['c.network_id', 'c.vm_id', 'c.ip_address', 'c.mac_address', 'c.is_default', 'v.uuid', 'v.name', 'v.user_data', 'v.password', 'so.name as offering_name'])
        .where('c.network_id', 'in', networkIds).where('c.removed', 'is', null).where('v.removed', 'is', null).execute(),
      vpnRouterStates(k, networkIds),
    ]);
    const ruleIds = rules.map((r) => r.id);
    const chunks: number[][] = [];
    for (let i = 0; i < ruleIds.length; i += 2000) chunks.push(ruleIds.slice(i, i + 2000));
    const per = await Promise.all(chunks.map((c) => Promise.all([
      k.selectFrom('firewall_rule_cidrs').select(['rule_id', 'cidr']).where('rule_id', 'in', c).execute(),
      // A member's address is its NIC on the rule's network.
      k.selectFrom('lb_vm_map as m').innerJoin('firewall_rules as r', 'r.id', 'm.rule_id')
        .innerJoin('nics as c', (j) => j.onRef('c.vm_id', '=', 'm.vm_id').onRef('c.network_id', '=', 'r.network_id').on('c.removed', 'is', null))
        .select(['m.rule_id', 'c.ip_address']).where('m.rule_id', 'in', c).execute(),
      k.selectFrom('lb_stickiness_policies').select(['rule_id', 'name', 'method', 'params']).where('rule_id', 'in', c).where('removed', 'is', null).execute(),
    ])));
    const cidrBy = groupBy(per.flatMap((p) => p[0]), (c) => c.rule_id, (c) => c.cidr);
    const memberBy = groupBy(per.flatMap((p) => p[1]), (c) => c.rule_id, (c) => c.ip_address ?? '');
    const stickyBy = groupBy(per.flatMap((p) => p[2]), (s) => s.rule_id, (s) => ({ name: s.name, method: s.method, params: JSON.parse(s.params) as Record<string, string> }));
    const ipsBy = groupBy(ips, (i) => i.network_id!, (i) => i);
    const rulesBy = groupBy(rules, (r) => r.network_id, (r) => r);
    const nicsBy = groupBy(nics, (c) => c.network_id, (c) => c);
    const dhcp = new Set(dhcpOnly.map((d) => d.id));
    const throttle = this.config.numberSync('network.throttling.rate');
    const out = new Map<number, RouterState>();
    for (const n of nets) {
      const nIps = ipsBy.get(n.id) ?? [];
      const staticNatByVm = new Map(nIps.filter((i) => i.one_to_one_nat && i.vm_id !== null).map((i) => [i.vm_id!, i.public_ip_address]));
      out.set(n.id, {
        role: dhcp.has(n.id) ? 'dhcp' : 'router',
        network: { uuid: n.uuid, cidr: n.cidr ?? '', gateway: n.gateway ?? '', netmask: n.netmask ?? '', vlan: n.vlan, domain: n.network_domain, egressDefaultAllow: n.offering_egress_default_policy === 1 },
        zone: { name: n.zone_name, dns: [n.zone_dns1, n.zone_dns2].filter((d): d is string => !!d) },
        addresses: nIps.map((i) => ({ ip: i.public_ip_address, sourceNat: i.source_nat === 1, staticNatTo: i.one_to_one_nat ? i.vm_ip : null })),
        rules: (rulesBy.get(n.id) ?? []).map((r): RouterStateRule => ({
          id: r.uuid, purpose: (r.purpose === 'Firewall' && r.traffic_type === 'Egress' ? 'Egress' : r.purpose) as RouterStateRule['purpose'], publicIp: r.public_ip_address ?? null,
          protocol: r.protocol, startPort: r.start_port, endPort: r.end_port, cidrs: cidrBy.get(r.id) ?? [], icmpType: r.icmp_type, icmpCode: r.icmp_code, vmIp: r.vm_ip,
          destStart: r.dest_port_start, destEnd: r.dest_port_end, name: r.name, algorithm: r.algorithm, privatePort: r.dest_port_start, members: memberBy.get(r.id) ?? [], stickiness: stickyBy.get(r.id) ?? [],
        })),
        nics: (nicsBy.get(n.id) ?? []).filter((c) => c.ip_address !== null).map((c) => ({
          ip: c.ip_address!, mac: c.mac_address, hostName: c.name, vmUuid: c.uuid, isDefault: c.is_default === 1, userData: c.user_data, password: c.password,
          serviceOffering: c.offering_name ?? '', publicIp: staticNatByVm.get(c.vm_id) ?? null,
        })),
        throttleMbps: throttle > 0 ? throttle : null,
        vpn: vpns.get(n.id) ?? null,
      });
    }
    return out;
  }

  async render(networkId: number): Promise<Record<string, unknown>> {
    return renderRouterDocument(await this.snapshot(networkId));
  }

  /** The documents of these networks (absent ones left out). */
  async renderMany(networkIds: number[]): Promise<Map<number, Record<string, unknown>>> {
    const out = new Map<number, Record<string, unknown>>();
    for (const [id, s] of await this.snapshots(networkIds)) out.set(id, renderRouterDocument(s));
    return out;
  }
}
