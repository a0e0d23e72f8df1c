/**
 * Firewall and port-forwarding rules on public IPs (CloudStack FirewallManagerImpl,
 * RulesManagerImpl), all rows of `firewall_rules` keyed by `purpose`. Inbound traffic is
 * refused unless a Firewall rule opens it; PF rules open their public range by default.
 * Conflicts between rules follow CloudStack (rule-conflicts.ts): 537 NetworkRuleConflict, mostly.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { FirewallRulesTable } from '../../db/schema/networks.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import { parseCidr } from '../infra/ipv4.js';
import { findConflict, type ConflictRule } from './rule-conflicts.js';
import type { IpService } from './ip.service.js';
import type { NetworkService } from './network.service.js';
import type { NetworkNotifier } from './notifier.js';

export type RuleRow = Selectable<FirewallRulesTable> & {
  ip_uuid: string | null; ip_address: string | null; network_uuid: string; vm_uuid: string | null; vm_name: string | null; vm_display_name: string | null; cidrs: string[];
};

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'all'];

export interface FirewallInput { ipId: number; protocol: string; startPort?: number | undefined; endPort?: number | undefined; cidrs?: string[] | undefined; icmpType?: number | undefined; icmpCode?: number | undefined }
export interface PfInput { ipId: number; protocol: string; publicPort: number; publicEndPort?: number | undefined; privatePort: number; privateEndPort?: number | undefined; vmId: number; vmGuestIp?: string | undefined; openFirewall?: boolean | undefined; cidrs?: string[] | undefined }

function checkPort(name: string, v: number | undefined): void {
  if (v !== undefined && (v < 1 || v > 65535)) throw paramError(`Invalid ${name}: ${v}; it must be between 1 and 65535`);
}

export class RuleService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
    private readonly ips: IpService,
    private readonly networks: NetworkService,
    private readonly notifier: NetworkNotifier,
  ) {}

  /** A live rule of one of `purpose`; `traffic` narrows Firewall rules to one direction (ingress and egress share the purpose). */
  async get(id: number, purpose: string[], exec: Kysely<Database> = this.db.kysely, traffic?: 'Ingress' | 'Egress'): Promise<RuleRow> {
    let q = this.query(exec).where('r.id', '=', id).where('r.purpose', 'in', purpose);
    if (traffic !== undefined) q = q.where('r.traffic_type', '=', traffic);
    const r = await q.executeTakeFirst();
    if (!r) throw paramError(`Unable to find rule by id having purpose ${purpose.join('/')}${traffic ? ` and traffic type ${traffic}` : ''}`);
    return (await this.withCidrs(exec, [r]))[0]!;
  }

  async getOwned(caller: Caller, id: number, purpose: string[], traffic?: 'Ingress' | 'Egress'): Promise<RuleRow> {
    const r = await this.get(id, purpose, this.db.kysely, traffic);
    const d = await this.db.kysely.selectFrom('domains').select('path').where('id', '=', r.domain_id).executeTakeFirstOrThrow();
    this.scoper.checkAccess(caller, { accountId: r.account_id, domainId: r.domain_id, domainPath: d.path }, 'rule');
    return r;
  }

  /** createFirewallRule's create step: validates, checks overlaps, inserts in state Add. */
  async createFirewall(caller: Caller, p: FirewallInput): Promise<RuleRow> {
    const ip = await this.ips.getOwned(caller, p.ipId);
    if (ip.network_id === null) throw paramError(`Unable to create firewall rule; ip id=${ip.uuid} is not associated with any network`);
    const proto = this.protocol(p.protocol);
    const { start, end } = this.ports(proto, p.startPort, p.endPort);
    const cidrs = this.cidrs(p.cidrs);
    const id = await this.insert(caller, {
      purpose: 'Firewall', ip_address_id: ip.id, network_id: ip.network_id, account_id: ip.account_id!, domain_id: ip.domain_id!, protocol: proto, start_port: start, end_port: end,
      icmp_type: proto === 'icmp' ? (p.icmpType ?? -1) : null, icmp_code: proto === 'icmp' ? (p.icmpCode ?? -1) : null, traffic_type: 'Ingress',
    }, cidrs, 'FIREWALL.OPEN', `Created firewall rule on ${ip.public_ip_address}`);
    return this.get(id, ['Firewall']);
  }

  /** createEgressFirewallRule's create step: allows (or, with a default-allow offering, denies) guest traffic out. */
  async createEgress(caller: Caller, p: Omit<FirewallInput, 'ipId'> & { networkId: number }): Promise<RuleRow> {
    const n = await this.networks.getAccessible(caller, p.networkId);
    if (n.guest_type !== 'Isolated') throw paramError('Egress firewall rules can be created only for Isolated networks');
    const proto = this.protocol(p.protocol);
    const { start, end } = this.ports(proto, p.startPort, p.endPort);
    const id = await this.insert(caller, {
      purpose: 'Firewall', ip_address_id: null, network_id: n.id, account_id: n.account_id, domain_id: n.domain_id, protocol: proto, start_port: start, end_port: end,
      icmp_type: proto === 'icmp' ? (p.icmpType ?? -1) : null, icmp_code: proto === 'icmp' ? (p.icmpCode ?? -1) : null, traffic_type: 'Egress',
    }, this.cidrs(p.cidrs), 'FIREWALL.EGRESS.OPEN', `Created egress firewall rule on network ${n.name}`);
    return this.get(id, ['Firewall']);
  }

  /** createPortForwardingRule's create step (VM of the same account with a NIC on the IP's network). */
  async createPortForwarding(caller: Caller, p: PfInput): Promise<RuleRow> {
    const ip = await this.ips.getOwned(caller, p.ipId);
    if (ip.network_id === null) throw paramError(`Unable to create port forwarding rule; ip id=${ip.uuid} is not associated with any network`);
    if (ip.one_to_one_nat) throw new CloudError('NetworkRuleConflict', `Can't do port forwarding on address ${ip.public_ip_address}: static NAT is enabled on it`);
    const proto = this.protocol(p.protocol);
    if (proto !== 'tcp' && proto !== 'udp') throw paramError(`Invalid protocol ${p.protocol} for port forwarding; tcp and udp are supported`);
    for (const [n, v] of [['public port', p.publicPort], ['public end port', p.publicEndPort], ['private port', p.privatePort], ['private end port', p.privateEndPort]] as const) checkPort(n, v);
    const pubEnd = p.publicEndPort ?? p.publicPort;
    const privEnd = p.privateEndPort ?? (p.publicEndPort !== undefined ? p.privatePort + (pubEnd - p.publicPort) : p.privatePort);
    if (pubEnd < p.publicPort || privEnd < p.privatePort) throw paramError('Start port can not be greater than end port');
    if (pubEnd - p.publicPort !== privEnd - p.privatePort) throw paramError('Private port range and public port range should have the same size');
    const vm = await this.db.kysely.selectFrom('vm_instances').select(['id', 'uuid', 'account_id', 'state']).where('id', '=', p.vmId).where('removed', 'is', null).executeTakeFirst();
    if (!vm) throw paramError('Unable to find virtual machine by id');
    if (vm.account_id !== ip.account_id) throw permissionDenied('The virtual machine and the IP address belong to different accounts');
    const guestIps = await this.guestIpsOf(vm.id, ip.network_id);
    if (guestIps.length === 0) throw paramError(`Unable to apply port forwarding rule: the virtual machine ${vm.uuid} has no NIC in the network of the IP address`);
    // The NIC's address by default; a secondary IP of the NIC when vmguestip names one.
    if (p.vmGuestIp !== undefined && !guestIps.includes(p.vmGuestIp)) throw paramError(`The guest IP ${p.vmGuestIp} is not an IP of the virtual machine in the network`);
    const cidrs = this.cidrs(p.cidrs);
    const id = await this.insert(caller, {
      purpose: 'PortForwarding', ip_address_id: ip.id, network_id: ip.network_id, account_id: ip.account_id!, domain_id: ip.domain_id!, protocol: proto,
      start_port: p.publicPort, end_port: pubEnd, traffic_type: 'Ingress', vm_id: vm.id, dest_port_start: p.privatePort, dest_port_end: privEnd, vm_ip: p.vmGuestIp ?? guestIps[0]!,
    }, cidrs, 'NET.RULEADD', `Created port forwarding rule on ${ip.public_ip_address}`, p.openFirewall !== false);
    return this.get(id, ['PortForwarding']);
  }

  /**
   * updatePortForwardingRule: new private ports (the range keeps the public range's size), a new
   * VM (same account, NIC in the IP's network) or guest IP, new source CIDRs (the firewall rule
   * the forward opened follows them). Conflicts are checked again under the IP's lock.
   */
  async updatePortForwarding(caller: Caller, id: number, p: { privatePort?: number | undefined; privateEndPort?: number | undefined; vmId?: number | undefined; vmGuestIp?: string | undefined; cidrs?: string[] | undefined }): Promise<RuleRow> {
    const r = await this.getOwned(caller, id, ['PortForwarding']);
    checkPort('private port', p.privatePort);
    checkPort('private end port', p.privateEndPort);
    const set: Record<string, unknown> = {};
    if (p.privatePort !== undefined || p.privateEndPort !== undefined) {
      const start = p.privatePort ?? r.dest_port_start!;
      const end = p.privateEndPort ?? (p.privatePort !== undefined ? p.privatePort + (r.end_port! - r.start_port!) : r.dest_port_end!);
      if (end < start) throw paramError('Start port can not be greater than end port');
      if (end - start !== r.end_port! - r.start_port!) throw paramError(`Unable to update the private port of port forwarding rule as the rule has port range : ${r.start_port} to ${r.end_port}`);
      Object.assign(set, { dest_port_start: start, dest_port_end: end });
    }
    if (p.vmId !== undefined || p.vmGuestIp !== undefined) {
      const vmId = p.vmId ?? r.vm_id!;
      const vm = await this.db.kysely.selectFrom('vm_instances').select(['id', 'uuid', 'account_id']).where('id', '=', vmId).where('removed', 'is', null).executeTakeFirst();
      if (!vm) throw paramError('Unable to find virtual machine by id');
      if (vm.account_id !== r.account_id) throw permissionDenied('The virtual machine and the IP address belong to different accounts');
      const ips = await this.guestIpsOf(vm.id, r.network_id);
      if (ips.length === 0) throw paramError(`Unable to apply port forwarding rule: the virtual machine ${vm.uuid} has no NIC in the network of the IP address`);
      if (p.vmGuestIp !== undefined && !ips.includes(p.vmGuestIp)) throw paramError(`The guest IP ${p.vmGuestIp} is not an IP of the virtual machine in the network`);
      Object.assign(set, { vm_id: vm.id, vm_ip: p.vmGuestIp ?? ips[0] });
    }
    const cidrs = p.cidrs !== undefined ? this.cidrs(p.cidrs) : undefined;
    await this.db.kysely.transaction().execute(async (trx) => {
      await forUpdate(trx.selectFrom('user_ip_addresses').select('id').where('id', '=', r.ip_address_id!), this.db.dialect).execute();
      if (cidrs !== undefined) {
        const live = await trx.selectFrom('firewall_rules').select(['id', 'uuid', 'purpose', 'protocol', 'start_port', 'end_port', 'icmp_type', 'icmp_code'])
          .where('ip_address_id', '=', r.ip_address_id).where('traffic_type', '=', 'Ingress').where('removed', 'is', null).where('id', '!=', r.id).execute();
        const conflict = findConflict({ ...r, cidrs }, await this.withCidrs(trx, live as unknown as Array<Omit<RuleRow, 'cidrs'>>));
        if (conflict) throw conflict.kind === 'InvalidParameter' ? paramError(conflict.message) : new CloudError(conflict.kind, conflict.message);
        const ids = [r.id, ...(await trx.selectFrom('firewall_rules').select('id').where('related_id', '=', r.id).where('removed', 'is', null).execute()).map((x) => x.id)];
        await trx.deleteFrom('firewall_rule_cidrs').where('rule_id', 'in', ids).execute();
        await trx.insertInto('firewall_rule_cidrs').values(ids.flatMap((rule_id) => cidrs.map((cidr) => ({ rule_id, cidr })))).execute();
      }
      if (Object.keys(set).length > 0) await trx.updateTable('firewall_rules').set(set).where('id', '=', r.id).execute();
      await this.events.record({ type: 'NET.RULEMODIFY', description: `Updated port forwarding rule ${r.uuid}`, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'FirewallRule', resourceUuid: r.uuid }, trx);
    });
    await this.notifier.changed(r.network_id);
    return this.get(r.id, ['PortForwarding']);
  }

  /** A VM's guest IPs in a network: the NIC's address first, then its secondary IPs if any. */
  async guestIpsOf(vmId: number, networkId: number): Promise<string[]> {
    const nics = await this.db.kysely.selectFrom('nics').select(['ip_address']).where('vm_id', '=', vmId).where('network_id', '=', networkId).where('removed', 'is', null).orderBy('device_id').execute();
    const secondary = await this.db.kysely.selectFrom('nic_secondary_ips').select('ip_address').where('vm_id', '=', vmId).where('network_id', '=', networkId).orderBy('id').execute();
    return [...nics.map((n) => n.ip_address).filter((x): x is string => x !== null), ...secondary.map((x) => x.ip_address)];
  }

  /** The create jobs: implements the network if needed, marks the rule (and its opened firewall rule) Active. */
  async apply(id: number): Promise<void> {
    const r = await this.db.kysely.selectFrom('firewall_rules').select(['id', 'network_id', 'related_id']).where('id', '=', id).executeTakeFirstOrThrow();
    await this.networks.implement(r.network_id);
    await this.db.kysely.updateTable('firewall_rules').set({ state: 'Active' }).where((eb) => eb.or([eb('id', '=', id), eb('related_id', '=', id)])).where('state', '=', 'Add').execute();
    await this.notifier.changed(r.network_id);
  }

  /** Revokes a rule (and the firewall rule it opened), in one transaction with its event. */
  async delete(caller: Caller, id: number, purpose: string[], event: string, traffic?: 'Ingress' | 'Egress'): Promise<void> {
    const r = await this.getOwned(caller, id, purpose, traffic);
    await this.db.kysely.transaction().execute(async (trx) => {
      const now = Date.now();
      await trx.updateTable('firewall_rules').set({ state: 'Revoke', removed: now }).where((eb) => eb.or([eb('id', '=', id), eb('related_id', '=', id)])).where('removed', 'is', null).execute();
      await trx.deleteFrom('lb_vm_map').where('rule_id', '=', id).execute();
      await trx.updateTable('lb_stickiness_policies').set({ removed: now }).where('rule_id', '=', id).where('removed', 'is', null).execute();
      await this.events.record({ type: event, description: `Deleted ${r.purpose} rule ${r.uuid}`, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'FirewallRule', resourceUuid: r.uuid }, trx);
    });
    await this.notifier.changed(r.network_id);
  }

  async list(scope: ListScope, purpose: string[], f: { id?: number | undefined; ipId?: number | undefined; networkId?: number | undefined; vmId?: number | undefined; trafficType?: string | undefined; name?: string | undefined; memberVmId?: number | undefined }, page: Page): Promise<{ rows: RuleRow[]; count: number }> {
    let q = this.scoper.apply(this.query(this.db.kysely), scope, 'r.account_id', 'r.domain_id').where('r.purpose', 'in', purpose);
    if (f.id !== undefined) q = q.where('r.id', '=', f.id);
    if (f.ipId !== undefined) q = q.where('r.ip_address_id', '=', f.ipId);
    if (f.networkId !== undefined) q = q.where('r.network_id', '=', f.networkId);
    if (f.vmId !== undefined) q = q.where('r.vm_id', '=', f.vmId);
    if (f.trafficType !== undefined) q = q.where('r.traffic_type', '=', f.trafficType);
    if (f.name !== undefined) q = q.where('r.name', '=', f.name);
    if (f.memberVmId !== undefined) q = q.where('r.id', 'in', this.db.kysely.selectFrom('lb_vm_map').select('rule_id').where('vm_id', '=', f.memberVmId));
    const r = await page.run(q.orderBy('r.id'));
    return { rows: await this.withCidrs(this.db.kysely, r.rows as Array<Omit<RuleRow, 'cidrs'>>), count: r.count };
  }

  private query(k: Kysely<Database>) {
    return k.selectFrom('firewall_rules as r')
      .innerJoin('networks as n', 'n.id', 'r.network_id')
      .leftJoin('user_ip_addresses as i', 'i.id', 'r.ip_address_id')
      .leftJoin('vm_instances as vm', 'vm.id', 'r.vm_id')
      .selectAll('r')
      .select(['i.uuid as ip_uuid', 'i.public_ip_address as ip_address', 'n.uuid as network_uuid', 'vm.uuid as vm_uuid', 'vm.name as vm_name', 'vm.display_name as vm_display_name'])
      .where('r.removed', 'is', null);
  }

  private async withCidrs(k: Kysely<Database>, rows: Array<Omit<RuleRow, 'cidrs'>>): Promise<RuleRow[]> {
    if (rows.length === 0) return [];
    const cs = await k.selectFrom('firewall_rule_cidrs').select(['rule_id', 'cidr']).where('rule_id', 'in', rows.map((r) => r.id)).orderBy('id').execute();
    const by = new Map<number, string[]>();
    for (const c of cs) by.set(c.rule_id, [...(by.get(c.rule_id) ?? []), c.cidr]);
    return rows.map((r) => ({ ...r, cidrs: by.get(r.id) ?? [] }));
  }

  private protocol(p: string): string {
    const proto = p.toLowerCase();
    if (!PROTOCOLS.includes(proto)) throw paramError(`Invalid protocol ${p}; supported protocols are tcp, udp, icmp and all`);
    return proto;
  }

  private ports(proto: string, start: number | undefined, end: number | undefined): { start: number | null; end: number | null } {
    if (proto === 'icmp' || proto === 'all') {
      if (start !== undefined || end !== undefined) throw paramError(`Can't specify start/end port when protocol is ${proto.toUpperCase()}`);
      return { start: null, end: null };
    }
    checkPort('start port', start);
    checkPort('end port', end);
    if (start === undefined) throw paramError('startport is required for tcp and udp rules');
    const e = end ?? start;
    if (e < start) throw paramError('Start port can not be greater than end port');
    return { start, end: e };
  }

  private cidrs(list: string[] | undefined): string[] {
    const out = (list ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
    for (const c of out) if (!parseCidr(c)) throw paramError(`Source CIDRs formatting error ${c}`);
    return out.length > 0 ? out : ['0.0.0.0/0'];
  }

  /** Inserts a rule after the overlap check, with its CIDRs, opened firewall rule and event. */
  /** Used by the LB service too. */
  async insert(caller: Caller, row: Record<string, unknown> & { purpose: string; ip_address_id: number | null; network_id: number; account_id: number; domain_id: number; protocol: string; start_port: number | null; end_port: number | null },
    cidrs: string[], event: string, description: string, openFirewall = false): Promise<number> {
    return this.db.kysely.transaction().execute(async (trx) => {
      // Serialise rule changes per IP (ingress) or per network (egress): lock the row, then compare with the live rules.
      const egress = row['traffic_type'] === 'Egress';
      if (egress) await forUpdate(trx.selectFrom('networks').select('id').where('id', '=', row.network_id), this.db.dialect).execute();
      else await forUpdate(trx.selectFrom('user_ip_addresses').select('id').where('id', '=', row.ip_address_id!), this.db.dialect).execute();
      let lq = trx.selectFrom('firewall_rules').select(['id', 'uuid', 'purpose', 'protocol', 'start_port', 'end_port', 'icmp_type', 'icmp_code']).where('removed', 'is', null);
      lq = egress ? lq.where('network_id', '=', row.network_id).where('purpose', '=', 'Firewall').where('traffic_type', '=', 'Egress')
        : lq.where('ip_address_id', '=', row.ip_address_id).where('traffic_type', '=', 'Ingress');
      const live = await this.withCidrs(trx, (await lq.execute()) as unknown as Array<Omit<RuleRow, 'cidrs'>>);
      const conflict = findConflict({ uuid: '', icmp_type: null, icmp_code: null, ...row, cidrs } as ConflictRule, live);
      if (conflict) throw conflict.kind === 'InvalidParameter' ? paramError(conflict.message) : new CloudError(conflict.kind, conflict.message);
      const uuid = randomUUID();
      const now = Date.now();
      const base = { uuid, state: 'Add', icmp_type: null, icmp_code: null, vm_id: null, dest_port_start: null, dest_port_end: null, vm_ip: null, algorithm: null, name: null, description: null, related_id: null, created: now, removed: null };
      const id = await insertId(trx, this.db.dialect, 'firewall_rules', { ...base, ...row });
      await trx.insertInto('firewall_rule_cidrs').values(cidrs.map((cidr) => ({ rule_id: id, cidr }))).execute();
      if (openFirewall) {
        const fwId = await insertId(trx, this.db.dialect, 'firewall_rules', {
          ...base, uuid: randomUUID(), purpose: 'Firewall', ip_address_id: row.ip_address_id, network_id: row.network_id, account_id: row.account_id, domain_id: row.domain_id,
          protocol: row.protocol, start_port: row.start_port, end_port: row.end_port, traffic_type: 'Ingress', related_id: id,
        });
        await trx.insertInto('firewall_rule_cidrs').values(cidrs.map((cidr) => ({ rule_id: fwId, cidr }))).execute();
      }
      await this.events.record({ type: event, description, userId: caller.userId, accountId: row.account_id, domainId: row.domain_id, resourceType: 'FirewallRule', resourceUuid: uuid }, trx);
      return id;
    });
  }
}
