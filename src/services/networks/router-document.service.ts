/**
 * Loads a network's snapshot with a handful of set-based queries (network, addresses, rules,
 * rule CIDRs, LB members, stickiness, NICs with their VMs) and renders the router document.
 */
import type { Db } from '../../db/dialect.js';
import type { ConfigService } from '../config/config.service.js';
import { renderRouterDocument, type RouterState, type RouterStateRule } from '../../network/router/document.js';
import { networkQuery } from './network.queries.js';
import { paramError } from '../../api/errors.js';

export class RouterDocumentService {
  constructor(
    private readonly db: Db,
    private readonly config: ConfigService,
  ) {}

  async snapshot(networkId: number): Promise<RouterState> {
    const k = this.db.kysely;
    const n = await networkQuery(k).where('n.id', '=', networkId).executeTakeFirst();
    if (!n) throw paramError('Unable to find network by id');
    const [ips, rules, nics] = await Promise.all([
      k.selectFrom('user_ip_addresses').select(['id', 'public_ip_address', 'source_nat', 'one_to_one_nat', 'vm_ip', 'vm_id'])
        .where('network_id', '=', networkId).where('state', 'in', ['Allocated', 'Allocating']).where('removed', 'is', null).execute(),
      k.selectFrom('firewall_rules as r').leftJoin('user_ip_addresses as i', 'i.id', 'r.ip_address_id')
        .select(['r.id', 'r.uuid', 'r.purpose', 'r.traffic_type', 'r.protocol', 'r.start_port', 'r.end_port', 'r.icmp_type', 'r.icmp_code', 'r.vm_ip', 'r.dest_port_start', 'r.dest_port_end', 'r.algorithm', 'r.name', 'i.public_ip_address'])
        .where('r.network_id', '=', networkId).where('r.removed', 'is', null).where('r.state', '!=', 'Revoke').execute(),
      k.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').leftJoin('service_offerings as so', 'so.id', 'v.service_offering_id')
        .select(['c.vm_id', 'c.ip_address', 'c.mac_address', 'c.is_default', 'v.uuid', 'v.name', 'v.user_data', 'v.password', 'so.name as offering_name'])
        .where('c.network_id', '=', networkId).where('c.removed', 'is', null).where('v.removed', 'is', null).execute(),
    ]);
    const ruleIds = rules.map((r) => r.id);
    const [cidrs, members, sticky] = ruleIds.length === 0 ? [[], [], []] : await Promise.all([
      k.selectFrom('firewall_rule_cidrs').select(['rule_id', 'cidr']).where('rule_id', 'in', ruleIds).execute(),
      k.selectFrom('lb_vm_map as m').innerJoin('nics as c', (j) => j.onRef('c.vm_id', '=', 'm.vm_id').on('c.network_id', '=', networkId).on('c.removed', 'is', null))
        .select(['m.rule_id', 'c.ip_address']).where('m.rule_id', 'in', ruleIds).execute(),
      k.selectFrom('lb_stickiness_policies').select(['rule_id', 'name', 'method', 'params']).where('rule_id', 'in', ruleIds).where('removed', 'is', null).execute(),
    ]);
    const group = <T extends { rule_id: number }, V>(rows: T[], f: (r: T) => V) => {
      const m = new Map<number, V[]>();
      for (const r of rows) m.set(r.rule_id, [...(m.get(r.rule_id) ?? []), f(r)]);
      return m;
    };
    const cidrBy = group(cidrs, (c) => c.cidr);
    const memberBy = group(members, (c) => c.ip_address ?? '');
    const stickyBy = group(sticky, (s) => ({ name: s.name, method: s.method, params: JSON.parse(s.params) as Record<string, string> }));
    const staticNatByVm = new Map(ips.filter((i) => i.one_to_one_nat && i.vm_id !== null).map((i) => [i.vm_id!, i.public_ip_address]));
    const throttle = this.config.numberSync('network.throttling.rate');
    return {
      network: { uuid: n.uuid, cidr: n.cidr ?? '', gateway: n.gateway ?? '', netmask: n.netmask ?? '', vlan: n.vlan, domain: n.network_domain, egressDefaultAllow: n.offering_egress_default_policy === 1 },
      zone: { name: n.zone_name, dns: [n.zone_dns1, n.zone_dns2].filter((d): d is string => !!d) },
      addresses: ips.map((i) => ({ ip: i.public_ip_address, sourceNat: i.source_nat === 1, staticNatTo: i.one_to_one_nat ? i.vm_ip : null })),
      rules: rules.map((r): RouterStateRule => ({
        id: r.uuid, purpose: (r.purpose === 'Firewall' && r.traffic_type === 'Egress' ? 'Egress' : r.purpose) as RouterStateRule['purpose'], publicIp: r.public_ip_address ?? null,
        protocol: r.protocol, startPort: r.start_port, endPort: r.end_port, cidrs: cidrBy.get(r.id) ?? [], icmpType: r.icmp_type, icmpCode: r.icmp_code, vmIp: r.vm_ip,
        destStart: r.dest_port_start, destEnd: r.dest_port_end, name: r.name, algorithm: r.algorithm, privatePort: r.dest_port_start, members: memberBy.get(r.id) ?? [], stickiness: stickyBy.get(r.id) ?? [],
      })),
      nics: nics.filter((c) => c.ip_address !== null).map((c) => ({
        ip: c.ip_address!, mac: c.mac_address, hostName: c.name, vmUuid: c.uuid, isDefault: c.is_default === 1, userData: c.user_data, password: c.password,
        serviceOffering: c.offering_name ?? '', publicIp: staticNatByVm.get(c.vm_id) ?? null,
      })),
      throttleMbps: throttle > 0 ? throttle : null,
    };
  }

  async render(networkId: number): Promise<Record<string, unknown>> {
    return renderRouterDocument(await this.snapshot(networkId));
  }
}
