/**
 * Load balancer rules (CloudStack LoadBalancingRulesManagerImpl): a public IP/port balanced
 * over VMs of the same account and network with roundrobin, leastconn or source. Rows are
 * `firewall_rules` with purpose LoadBalancing; members live in `lb_vm_map`.
 */
import type { Db } from '../../db/dialect.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { IpService } from './ip.service.js';
import type { RuleRow, RuleService } from './rule.service.js';
import type { NetworkNotifier } from './notifier.js';

const ALGORITHMS = ['roundrobin', 'leastconn', 'source'];

export class LbService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly ips: IpService,
    private readonly rules: RuleService,
    private readonly notifier: NetworkNotifier,
  ) {}

  async create(caller: Caller, p: { ipId: number; name: string; description?: string | undefined; algorithm: string; publicPort: number; privatePort: number; protocol?: string | undefined; cidrs?: string[] | undefined; openFirewall?: boolean | undefined }): Promise<RuleRow> {
    const ip = await this.ips.getOwned(caller, p.ipId);
    if (ip.network_id === null) throw paramError(`Unable to create load balancer rule; ip id=${ip.uuid} is not associated with any network`);
    if (ip.one_to_one_nat) throw new CloudError('NetworkRuleConflict', `Can't do load balance on ip address: ${ip.public_ip_address}`);
    const algorithm = p.algorithm.toLowerCase();
    if (!ALGORITHMS.includes(algorithm)) throw paramError(`Invalid algorithm: ${p.algorithm}; supported: roundrobin, leastconn, source`);
    for (const port of [p.publicPort, p.privatePort]) if (port < 1 || port > 65535) throw paramError(`Invalid port ${port}`);
    const proto = (p.protocol ?? 'tcp').toLowerCase();
    if (!['tcp', 'udp', 'tcp-proxy'].includes(proto)) throw paramError(`Invalid protocol ${p.protocol}`);
    const cidrs = (p.cidrs ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
    const id = await this.rules.insert(caller, {
      purpose: 'LoadBalancing', ip_address_id: ip.id, network_id: ip.network_id, account_id: ip.account_id!, domain_id: ip.domain_id!, protocol: proto === 'tcp-proxy' ? 'tcp' : proto,
      start_port: p.publicPort, end_port: p.publicPort, traffic_type: 'Ingress', dest_port_start: p.privatePort, dest_port_end: p.privatePort, algorithm, name: p.name, description: p.description ?? null,
    }, cidrs.length > 0 ? cidrs : ['0.0.0.0/0'], 'LB.CREATE', `Created load balancer rule ${p.name}`, p.openFirewall !== false);
    return this.rules.get(id, ['LoadBalancing']);
  }

  async update(caller: Caller, id: number, p: { name?: string | undefined; description?: string | undefined; algorithm?: string | undefined }): Promise<RuleRow> {
    const r = await this.rules.getOwned(caller, id, ['LoadBalancing']);
    const set: Record<string, unknown> = {};
    if (p.name !== undefined) set['name'] = p.name;
    if (p.description !== undefined) set['description'] = p.description;
    if (p.algorithm !== undefined) {
      if (!ALGORITHMS.includes(p.algorithm.toLowerCase())) throw paramError(`Invalid algorithm: ${p.algorithm}`);
      set['algorithm'] = p.algorithm.toLowerCase();
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      if (Object.keys(set).length > 0) await trx.updateTable('firewall_rules').set(set).where('id', '=', id).execute();
      await this.events.record({ type: 'LB.UPDATE', description: `Updated load balancer rule ${r.name ?? r.uuid}`, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'LoadBalancerRule', resourceUuid: r.uuid }, trx);
    });
    await this.notifier.changed(r.network_id);
    return this.rules.get(id, ['LoadBalancing']);
  }

  /** Checks the VMs may join the rule: same account, a NIC in the rule's network (in the request). */
  async checkMembers(caller: Caller, id: number, vmIds: number[]): Promise<RuleRow> {
    const r = await this.rules.getOwned(caller, id, ['LoadBalancing']);
    if (vmIds.length === 0) throw paramError('Provide at least one virtual machine id');
    const vms = await this.db.kysely.selectFrom('vm_instances as v').leftJoin('nics as c', (j) => j.onRef('c.vm_id', '=', 'v.id').on('c.network_id', '=', r.network_id).on('c.removed', 'is', null))
      .select(['v.id', 'v.uuid', 'v.account_id', 'c.id as nic_id']).where('v.id', 'in', vmIds).where('v.removed', 'is', null).execute();
    for (const vmId of vmIds) {
      const v = vms.find((x) => x.id === vmId);
      if (!v) throw paramError('Unable to find virtual machine by id');
      if (v.account_id !== r.account_id) throw permissionDenied(`The virtual machine ${v.uuid} and the load balancer rule belong to different accounts`);
      if (v.nic_id === null) throw new CloudError('InvalidState', `Virtual machine ${v.uuid} is not in the network of the load balancer rule`);
    }
    return r;
  }

  async assign(caller: Caller, id: number, vmIds: number[]): Promise<void> {
    const r = await this.checkMembers(caller, id, vmIds);
    await this.rules.apply(id);
    await this.db.kysely.transaction().execute(async (trx) => {
      const have = new Set((await trx.selectFrom('lb_vm_map').select('vm_id').where('rule_id', '=', id).execute()).map((x) => x.vm_id));
      const add = [...new Set(vmIds)].filter((v) => !have.has(v));
      if (add.length > 0) await trx.insertInto('lb_vm_map').values(add.map((vm_id) => ({ rule_id: id, vm_id, created: Date.now() }))).execute();
      await this.events.record({ type: 'LB.ASSIGN.TO.RULE', description: `Assigned ${add.length} VM(s) to load balancer rule ${r.name ?? r.uuid}`, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'LoadBalancerRule', resourceUuid: r.uuid }, trx);
    });
    await this.notifier.changed(r.network_id);
  }

  async remove(caller: Caller, id: number, vmIds: number[]): Promise<void> {
    const r = await this.rules.getOwned(caller, id, ['LoadBalancing']);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('lb_vm_map').where('rule_id', '=', id).where('vm_id', 'in', vmIds).execute();
      await this.events.record({ type: 'LB.REMOVE.FROM.RULE', description: `Removed VM(s) from load balancer rule ${r.name ?? r.uuid}`, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'LoadBalancerRule', resourceUuid: r.uuid }, trx);
    });
    await this.notifier.changed(r.network_id);
  }

  async members(ruleId: number): Promise<Array<{ vm_id: number; vm_uuid: string; ip: string | null }>> {
    const r = await this.db.kysely.selectFrom('firewall_rules').select('network_id').where('id', '=', ruleId).executeTakeFirstOrThrow();
    return this.db.kysely.selectFrom('lb_vm_map as m').innerJoin('vm_instances as v', 'v.id', 'm.vm_id')
      .leftJoin('nics as c', (j) => j.onRef('c.vm_id', '=', 'm.vm_id').on('c.network_id', '=', r.network_id).on('c.removed', 'is', null))
      .select(['m.vm_id', 'v.uuid as vm_uuid', 'c.ip_address as ip']).where('m.rule_id', '=', ruleId).orderBy('m.vm_id').execute();
  }

  /**
   * listLoadBalancerRuleInstances: the account's VMs with a NIC in the rule's network that are
   * (applied=true) or are not (applied=false) members; destroyed, expunging, error and unknown
   * VMs are left out as CloudStack does.
   */
  async instances(caller: Caller, id: number, applied: boolean): Promise<Array<{ vmId: number; ip: string | null; nicUuid: string; mac: string; netmask: string | null; gateway: string | null; isDefault: boolean }>> {
    const r = await this.rules.getOwned(caller, id, ['LoadBalancing']);
    const members = this.db.kysely.selectFrom('lb_vm_map').select('vm_id').where('rule_id', '=', r.id);
    const rows = await this.db.kysely.selectFrom('vm_instances as v').innerJoin('nics as c', 'c.vm_id', 'v.id')
      .select(['v.id', 'c.uuid', 'c.ip_address', 'c.mac_address', 'c.netmask', 'c.gateway', 'c.is_default'])
      .where('v.account_id', '=', r.account_id).where('v.type', '=', 'User').where('v.removed', 'is', null).where('v.state', 'not in', ['Destroyed', 'Expunging', 'Error', 'Unknown'])
      .where('c.network_id', '=', r.network_id).where('c.removed', 'is', null)
      .where('v.id', applied ? 'in' : 'not in', members).orderBy('v.id').execute();
    return rows.map((x) => ({ vmId: x.id, ip: x.ip_address, nicUuid: x.uuid, mac: x.mac_address, netmask: x.netmask, gateway: x.gateway, isDefault: x.is_default === 1 }));
  }

  /** Owner and zone names of rules, for the responses. */
  async names(ruleIds: number[]): Promise<Map<number, { account: string; domainid: string; domain: string; zoneid: string; zonename: string }>> {
    if (ruleIds.length === 0) return new Map();
    const rows = await this.db.kysely.selectFrom('firewall_rules as r')
      .innerJoin('accounts as a', 'a.id', 'r.account_id').innerJoin('domains as d', 'd.id', 'r.domain_id').innerJoin('networks as n', 'n.id', 'r.network_id').innerJoin('zones as z', 'z.id', 'n.zone_id')
      .select(['r.id', 'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'z.uuid as zone_uuid', 'z.name as zone_name'])
      .where('r.id', 'in', ruleIds).execute();
    return new Map(rows.map((n) => [n.id, { account: n.account_name, domainid: n.domain_uuid, domain: n.domain_name, zoneid: n.zone_uuid, zonename: n.zone_name }]));
  }
}
