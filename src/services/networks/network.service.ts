/**
 * Guest networks (CloudStack NetworkServiceImpl + NetworkOrchestrator): isolated networks of
 * an account, allocated with the zone's guest CIDR and implemented (guest VLAN, source NAT)
 * on first use; shared networks an admin creates with a VLAN and an IP range.
 * Network: Allocated -implement-> Implementing -> Implemented -shutdown-> Allocated; delete -> Destroy.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isAnyAdmin, isRootAdmin } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { LimitService } from '../limits/limit.service.js';
import type { PhysicalNetworkService } from '../infra/physical-network.service.js';
import type { Page } from '../paging.js';
import { cidrOf, formatCidr, formatIp, isIp, parseCidr, parseIp, prefixToNetmask } from '../infra/ipv4.js';
import type { NetworkOfferingService } from './offering.service.js';
import type { IpService, Owner } from './ip.service.js';
import type { NetworkNotifier } from './notifier.js';
import { networkQuery, withServices, type NetworkRow } from './network.queries.js';
import type { DirectNetworkService } from './direct-network.service.js';

export type { NetworkRow } from './network.queries.js';

export interface CreateNetworkInput {
  name: string; displayText?: string | undefined; networkOfferingId: number; zoneId: number; physicalNetworkId?: number | undefined;
  gateway?: string | undefined; netmask?: string | undefined; startIp?: string | undefined; endIp?: string | undefined; vlan?: string | undefined;
  networkDomain?: string | undefined; aclType?: string | undefined; account?: string | undefined; domainId?: number | undefined;
}

export interface NetworkFilter {
  id?: number | undefined; name?: string | undefined; zoneId?: number | undefined; type?: string | undefined; trafficType?: string | undefined;
  aclType?: string | undefined; physicalNetworkId?: number | undefined; networkOfferingId?: number | undefined; vlan?: string | undefined;
  supportedServices?: string[] | undefined; restartRequired?: boolean | undefined; specifyIpRanges?: boolean | undefined;
  keyword?: string | undefined; isSystem?: boolean | undefined; forVpc?: boolean | undefined; canUseForDeploy?: boolean | undefined;
}

const DEFAULT_GUEST_CIDR = '10.1.1.0/24';

export class NetworkService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
    private readonly limits: LimitService,
    private readonly offerings: NetworkOfferingService,
    private readonly physicalNetworks: PhysicalNetworkService,
    private readonly ips: IpService,
    private readonly notifier: NetworkNotifier,
  ) {}

  /** Set by the area: Basic-zone networks and tagged direct ranges. */
  direct: DirectNetworkService | undefined;

  /** Set by the routers area: a network's router goes with a cleanup restart or its deletion, and comes back when it is needed. */
  routerHooks: { destroy(networkId: number): Promise<void>; ensure(networkId: number): Promise<void> } | undefined;

  /** Set by the area: renders the router documents of networks (a few queries for any number of them). */
  routerDocumentLoader: ((networkIds: number[]) => Promise<Map<number, Record<string, unknown>>>) | undefined;

  /** The router's declarative configuration for the network (see src/network/router/document.ts). */
  async routerDocument(networkId: number): Promise<Record<string, unknown>> {
    const d = (await this.routerDocumentLoader!([networkId])).get(networkId);
    if (!d) throw paramError('Unable to find network by id');
    return d;
  }

  /** The documents of many networks at once (absent networks left out): the re-push after a restart. */
  routerDocuments(networkIds: number[]): Promise<Map<number, Record<string, unknown>>> {
    return this.routerDocumentLoader!(networkIds);
  }

  /** Call after a committed change to a network's addresses or rules (router push hook). */
  onNetworkChanged(networkId: number): Promise<void> {
    return this.notifier.changed(networkId);
  }

  async get(id: number, exec: Kysely<Database> = this.db.kysely): Promise<NetworkRow> {
    const r = await networkQuery(exec).where('n.id', '=', id).executeTakeFirst();
    if (!r) throw paramError('Unable to find network by id');
    return (await withServices(exec, [r]))[0]!;
  }

  /** A network the caller may use: its own, or a shared network of its domain (531 otherwise). */
  async getAccessible(caller: Caller, id: number): Promise<NetworkRow> {
    const n = await this.get(id);
    if (n.acl_type === 'Domain' && (isRootAdmin(caller) || caller.domainPath.startsWith(n.domain_path))) return n;
    this.scoper.checkAccess(caller, { accountId: n.account_id, domainId: n.domain_id, domainPath: n.domain_path }, 'network');
    return n;
  }

  /** The account that will own a new resource: the named one (admins) or the caller's. */
  async owner(caller: Caller, account: string | undefined, domainId: number | undefined): Promise<Owner> {
    if (account === undefined) {
      if (domainId !== undefined && domainId !== caller.domainId) throw paramError('Account name must be specified along with domain id');
      return { id: caller.accountId, domainId: caller.domainId, name: caller.accountName };
    }
    const a = await this.scoper.accountByName(caller, account, domainId);
    return { id: a.id, domainId: a.domainId, name: account };
  }

  async create(caller: Caller, p: CreateNetworkInput): Promise<NetworkRow> {
    const off = await this.offerings.get(p.networkOfferingId);
    if (off.state !== 'Enabled') throw paramError(`Network offering with specified id is not in Enabled state, can't create the network`);
    const zone = await this.db.kysely.selectFrom('zones').selectAll().where('id', '=', p.zoneId).where('removed', 'is', null).executeTakeFirst();
    if (!zone) throw paramError('Unable to find zone by id');
    if (zone.allocation_state === 'Disabled' && !isRootAdmin(caller)) throw permissionDenied(`Cannot perform this operation, Zone is currently disabled: ${zone.uuid}`);
    if (zone.network_type === 'Basic') return this.get(await this.direct!.createBasic(caller, p));
    // Untagged direct networking combines with nothing: it is for Basic zones only.
    if (p.vlan !== undefined && /^(vlan:\/\/)?untagged$/i.test(p.vlan)) throw paramError(`Direct untagged network is not supported for the zone ${zone.uuid} of type ${zone.network_type}`);
    const pn = p.physicalNetworkId !== undefined ? { id: p.physicalNetworkId } : await this.physicalNetworks.forTraffic(p.zoneId, 'Guest');
    const shared = off.guest_type === 'Shared';
    let ownerAcct: Owner;
    let aclType: string;
    if (shared) {
      if (!isAnyAdmin(caller)) throw permissionDenied('Only Admin can create Shared networks');
      aclType = p.aclType ?? (p.account !== undefined ? 'Account' : 'Domain');
      if (aclType === 'Account') ownerAcct = await this.owner(caller, p.account, p.domainId);
      else {
        const did = p.domainId ?? caller.domainId;
        await this.scoper.checkDomainAccess(caller, did);
        ownerAcct = { id: 1, domainId: did, name: 'system' };
      }
    } else {
      if (p.aclType !== undefined && p.aclType.toLowerCase() !== 'account') throw paramError('AclType should be Account for Isolated networks');
      aclType = 'Account';
      ownerAcct = await this.owner(caller, p.account, p.domainId);
    }
    let cidr: string;
    let gateway: string;
    let netmask: string;
    if (p.gateway !== undefined || p.netmask !== undefined) {
      if (p.gateway === undefined || p.netmask === undefined) throw paramError('gateway/netmask should be passed in together');
      const c = isIp(p.gateway) ? cidrOf(p.gateway, p.netmask) : undefined;
      if (!c) throw paramError('Invalid gateway/netmask');
      cidr = c; gateway = p.gateway; netmask = p.netmask;
    } else if (shared) {
      throw paramError('Gateway and netmask are required for a Shared network');
    } else {
      const c = parseCidr(zone.guest_cidr ?? DEFAULT_GUEST_CIDR) ?? parseCidr(DEFAULT_GUEST_CIDR)!;
      cidr = formatCidr(c);
      netmask = prefixToNetmask(c.prefix);
      gateway = formatIp(c.network + 1);
    }
    let vlan: string | null = null;
    let startIp: string | null = null;
    let endIp: string | null = null;
    if (shared) {
      if (p.vlan === undefined) throw paramError('vlan is required for a Shared network');
      vlan = p.vlan.replace(/^vlan:\/\//, '');
      if (p.startIp === undefined || !isIp(p.startIp)) throw paramError('startip is required for a Shared network');
      startIp = p.startIp; endIp = p.endIp ?? p.startIp;
      const c = parseCidr(cidr)!;
      for (const ip of [startIp, endIp]) {
        const n = parseIp(ip);
        if (n === undefined || cidrOf(ip, netmask) !== formatCidr(c)) throw paramError(`The IP range ${startIp}-${endIp} is not in the network's CIDR ${cidr}`);
      }
      if (parseIp(startIp)! > parseIp(endIp)!) throw paramError('startip must not be greater than endip');
    } else if (p.vlan !== undefined) {
      if (!isRootAdmin(caller) || !off.specify_vlan) throw paramError("Can't specify vlan; corresponding offering says specifyVlan=false");
      vlan = p.vlan.replace(/^vlan:\/\//, '');
    }
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      if (vlan !== null && vlan !== 'untagged') {
        const used = await trx.selectFrom('networks').select('uuid').where('zone_id', '=', p.zoneId).where('vlan', '=', vlan).where('removed', 'is', null).executeTakeFirst();
        if (used) throw paramError(`Network with vlan ${vlan} already exists or overlaps with other network vlans in zone ${zone.name}`);
      }
      if (!shared) await this.limits.check(ownerAcct.id, 'network', 1, trx);
      const nid = await insertId(trx, this.db.dialect, 'networks', {
        uuid, name: p.name, display_text: p.displayText ?? p.name, network_offering_id: off.id, zone_id: p.zoneId, physical_network_id: pn?.id ?? null,
        account_id: ownerAcct.id, domain_id: ownerAcct.domainId, guest_type: off.guest_type, traffic_type: 'Guest', cidr, gateway, netmask,
        vlan, broadcast_uri: vlan === null ? null : `vlan://${vlan}`, state: shared ? 'Setup' : 'Allocated',
        network_domain: p.networkDomain ?? zone.network_domain ?? 'cs' + ownerAcct.id.toString(16) + 'cloud.internal',
        acl_type: aclType, start_ip: startIp, end_ip: endIp, restart_required: 0, created: Date.now(), removed: null,
      });
      if (!shared) await this.limits.increment(trx, ownerAcct.id, 'network', 1);
      await this.events.record({ type: 'NETWORK.CREATE', description: `Created network ${p.name}`, userId: caller.userId, accountId: ownerAcct.id === 1 ? caller.accountId : ownerAcct.id, domainId: ownerAcct.domainId, resourceType: 'Network', resourceUuid: uuid }, trx);
      return nid;
    });
    return this.get(id);
  }

  async list(caller: Caller, scope: ListScope, f: NetworkFilter, page: Page): Promise<{ rows: NetworkRow[]; count: number }> {
    const k = this.db.kysely;
    let q = networkQuery(k);
    if (f.isSystem === true || f.forVpc === true) q = q.where('n.id', '<', 0);
    // Own/scoped networks, plus Domain-wide shared networks of the caller's domain or its ancestors.
    const ancestors = caller.domainPath.split('/').filter(Boolean).reduce<string[]>((acc, s) => [...acc, `${acc[acc.length - 1]}${s}/`], ['/']);
    if (scope.kind !== 'all') {
      const scoped = this.scoper.apply(k.selectFrom('networks as sn').select('sn.id').where('sn.acl_type', '=', 'Account'), scope, 'sn.account_id', 'sn.domain_id');
      const domainScoped = scope.kind === 'domain'
        ? this.scoper.apply(k.selectFrom('networks as dn').select('dn.id').where('dn.acl_type', '=', 'Domain'), scope, 'dn.account_id', 'dn.domain_id')
        : k.selectFrom('networks as dn').select('dn.id').where('dn.acl_type', '=', 'Domain').where('dn.domain_id', 'in', k.selectFrom('domains').select('id').where('path', 'in', ancestors));
      q = q.where((eb) => eb.or([eb('n.id', 'in', scoped), eb('n.id', 'in', domainScoped)]));
    }
    if (f.id !== undefined) q = q.where('n.id', '=', f.id);
    if (f.name !== undefined) q = q.where('n.name', '=', f.name);
    if (f.zoneId !== undefined) q = q.where('n.zone_id', '=', f.zoneId);
    if (f.type !== undefined) q = q.where('n.guest_type', '=', f.type.toLowerCase() === 'isolated' ? 'Isolated' : f.type.toLowerCase() === 'shared' ? 'Shared' : f.type);
    if (f.trafficType !== undefined) q = q.where('n.traffic_type', '=', f.trafficType);
    if (f.aclType !== undefined) q = q.where('n.acl_type', '=', f.aclType.toLowerCase() === 'domain' ? 'Domain' : 'Account');
    if (f.physicalNetworkId !== undefined) q = q.where('n.physical_network_id', '=', f.physicalNetworkId);
    if (f.networkOfferingId !== undefined) q = q.where('n.network_offering_id', '=', f.networkOfferingId);
    if (f.vlan !== undefined && isRootAdmin(caller)) q = q.where('n.vlan', '=', f.vlan.replace(/^vlan:\/\//, ''));
    if (f.restartRequired !== undefined) q = q.where('n.restart_required', '=', f.restartRequired ? 1 : 0);
    if (f.specifyIpRanges !== undefined) q = q.where('o.specify_ip_ranges', '=', f.specifyIpRanges ? 1 : 0);
    if (f.canUseForDeploy === false) q = q.where('n.id', '<', 0);
    if (f.keyword) q = q.where('n.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    for (const s of f.supportedServices ?? []) {
      q = q.where('n.network_offering_id', 'in', k.selectFrom('network_offering_services').select('network_offering_id').where('service', '=', s));
    }
    const r = await page.run(q.orderBy('n.id'));
    return { rows: await withServices(k, r.rows), count: r.count };
  }

  async update(caller: Caller, id: number, p: { name?: string | undefined; displayText?: string | undefined; networkDomain?: string | undefined }): Promise<NetworkRow> {
    const n = await this.getAccessible(caller, id);
    if (n.acl_type === 'Domain' && !isAnyAdmin(caller)) throw permissionDenied('Only Admin can update a Shared network');
    const set: Record<string, unknown> = {};
    if (p.name !== undefined) set['name'] = p.name;
    if (p.displayText !== undefined) set['display_text'] = p.displayText;
    if (p.networkDomain !== undefined) { set['network_domain'] = p.networkDomain; set['restart_required'] = 1; }
    await this.db.kysely.transaction().execute(async (trx) => {
      if (Object.keys(set).length > 0) await trx.updateTable('networks').set(set).where('id', '=', id).execute();
      await this.events.record({ type: 'NETWORK.UPDATE', description: `Updated network ${n.name}`, userId: caller.userId, accountId: n.account_id, domainId: n.domain_id, resourceType: 'Network', resourceUuid: n.uuid }, trx);
    });
    await this.notifier.changed(id);
    return this.get(id);
  }

  /** restartNetwork: re-implements (cleanup: shut down first); clears restart_required. */
  async restart(caller: Caller, id: number, cleanup: boolean): Promise<void> {
    const n = await this.getAccessible(caller, id);
    if (n.state !== 'Implemented' && n.state !== 'Setup') throw new CloudError('InvalidState', `Network is not in the right state to be restarted. Correct states are: Implemented, Setup`);
    if (cleanup) await this.routerHooks?.destroy(id);
    if (cleanup && n.guest_type === 'Isolated') await this.shutdown(id);
    if (n.guest_type === 'Isolated') await this.implement(id);
    // CloudStack re-creates the router at once when guests use the network.
    const used = await this.db.kysely.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').select('c.id')
      .where('c.network_id', '=', id).where('c.removed', 'is', null).where('v.state', 'in', ['Running', 'Starting']).executeTakeFirst();
    if (used) await this.routerHooks?.ensure(id);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('networks').set({ restart_required: 0 }).where('id', '=', id).execute();
      await this.events.record({ type: 'NETWORK.RESTART', description: `Restarted network ${n.name}`, userId: caller.userId, accountId: n.account_id, domainId: n.domain_id, resourceType: 'Network', resourceUuid: n.uuid }, trx);
    });
    await this.notifier.changed(id);
  }

  /** Checks deleteNetwork can proceed (in the request): no live NICs. */
  async checkDelete(caller: Caller, id: number): Promise<NetworkRow> {
    const n = await this.getAccessible(caller, id);
    if (n.acl_type === 'Domain' && !isAnyAdmin(caller)) throw permissionDenied('Only Admin can delete a Shared network');
    const nic = await this.db.kysely.selectFrom('nics').select('id').where('network_id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (nic) throw new CloudError('InvalidState', "Can't delete the network, not all user vms are expunged");
    return n;
  }

  async delete(caller: Caller, id: number): Promise<void> {
    const n = await this.checkDelete(caller, id);
    await this.routerHooks?.destroy(id);
    await this.db.kysely.transaction().execute(async (trx) => {
      const locked = await forUpdate(trx.selectFrom('networks').select(['id', 'state', 'vlan', 'physical_network_id']).where('id', '=', id), this.db.dialect).executeTakeFirstOrThrow();
      const ips = await trx.selectFrom('user_ip_addresses').select('id').where('network_id', '=', id).where('state', '!=', 'Free').execute();
      for (const ip of ips) await this.ips.releaseRow(trx, ip.id, caller.userId);
      const now = Date.now();
      const rules = trx.selectFrom('firewall_rules').select('id').where('network_id', '=', id);
      await trx.deleteFrom('lb_vm_map').where('rule_id', 'in', rules).execute();
      await trx.updateTable('firewall_rules').set({ state: 'Revoke', removed: now }).where('network_id', '=', id).where('removed', 'is', null).execute();
      if (n.guest_type === 'Isolated' && locked.vlan !== null && locked.physical_network_id !== null) await this.physicalNetworks.releaseGuestVlan(trx, locked.physical_network_id, locked.vlan);
      await trx.updateTable('networks').set({ state: 'Destroy', removed: now }).where('id', '=', id).execute();
      if (n.guest_type === 'Isolated') await this.limits.decrement(trx, n.account_id, 'network', 1);
      await this.events.record({ type: 'NETWORK.DELETE', description: `Deleted network ${n.name}`, userId: caller.userId, accountId: n.acl_type === 'Domain' ? caller.accountId : n.account_id, domainId: n.domain_id, resourceType: 'Network', resourceUuid: n.uuid }, trx);
    });
    await this.notifier.changed(id);
  }

  /**
   * Implements an isolated network: a guest VLAN of its physical network and, with SourceNat
   * in its offering, a source NAT IP. Idempotent. Called on first VM start and first rule.
   */
  async implement(networkId: number, userId = 1): Promise<NetworkRow> {
    const pre = await this.get(networkId);
    const guestPn = pre.physical_network_id ?? (await this.physicalNetworks.forTraffic(pre.zone_id, 'Guest'))?.id;
    const changed = await this.db.kysely.transaction().execute(async (trx) => {
      const n = await forUpdate(trx.selectFrom('networks').selectAll().where('id', '=', networkId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
      if (!n) throw paramError('Unable to find network by id');
      if (n.guest_type !== 'Isolated' || n.state === 'Implemented') return false;
      const pnId = n.physical_network_id ?? guestPn;
      if (pnId === undefined) throw new CloudError('InsufficientCapacity', `Unable to find a physical network with Guest traffic in zone`, { scope: 'zone' });
      const vlan = n.vlan ?? (await this.physicalNetworks.allocateGuestVlan(trx, pnId, n.account_id, n.id));
      await trx.updateTable('networks').set({ state: 'Implemented', vlan, broadcast_uri: `vlan://${vlan}`, physical_network_id: pnId }).where('id', '=', n.id).execute();
      if (await this.offerings.hasService(n.network_offering_id, 'SourceNat', trx)) {
        await this.ips.ensureSourceNat(trx, n, { id: n.account_id, domainId: n.domain_id, name: '' }, userId);
      }
      return true;
    });
    if (changed) await this.notifier.changed(networkId);
    return this.get(networkId);
  }

  /** Shuts an isolated network down: its guest VLAN goes back to the pool; IPs and rules stay. */
  async shutdown(networkId: number): Promise<void> {
    const changed = await this.db.kysely.transaction().execute(async (trx) => {
      const n = await forUpdate(trx.selectFrom('networks').selectAll().where('id', '=', networkId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
      if (!n || n.guest_type !== 'Isolated' || n.state !== 'Implemented') return false;
      if (n.vlan !== null && n.physical_network_id !== null) await this.physicalNetworks.releaseGuestVlan(trx, n.physical_network_id, n.vlan);
      await trx.updateTable('networks').set({ state: 'Allocated', vlan: null, broadcast_uri: null }).where('id', '=', n.id).execute();
      return true;
    });
    if (changed) await this.notifier.changed(networkId);
  }

  /** Ids of the account's isolated networks with SourceNat in the zone (associateIpAddress by zoneid). */
  async isolatedWithSourceNat(accountId: number, zoneId: number): Promise<number[]> {
    const rows = await this.db.kysely.selectFrom('networks').select('id').where('account_id', '=', accountId).where('zone_id', '=', zoneId)
      .where('guest_type', '=', 'Isolated').where('removed', 'is', null)
      .where('network_offering_id', 'in', (eb) => eb.selectFrom('network_offering_services').select('network_offering_id').where('service', '=', 'SourceNat'))
      .orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  /** Account deletion: its IPs go back to Free, its networks (and their VLANs and rules) are removed. */
  async forgetAccount(accountId: number): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const ips = await trx.selectFrom('user_ip_addresses').select('id').where('account_id', '=', accountId).where('state', '!=', 'Free').execute();
      for (const ip of ips) await this.ips.releaseRow(trx, ip.id, 1);
      const nets = await trx.selectFrom('networks').select(['id', 'vlan', 'physical_network_id', 'guest_type']).where('account_id', '=', accountId).where('removed', 'is', null).execute();
      const now = Date.now();
      for (const n of nets) {
        if (n.guest_type === 'Isolated' && n.vlan !== null && n.physical_network_id !== null) await this.physicalNetworks.releaseGuestVlan(trx, n.physical_network_id, n.vlan);
        await trx.updateTable('firewall_rules').set({ state: 'Revoke', removed: now }).where('network_id', '=', n.id).where('removed', 'is', null).execute();
        await trx.updateTable('networks').set({ state: 'Destroy', removed: now }).where('id', '=', n.id).execute();
        if (n.guest_type === 'Isolated') await this.limits.decrement(trx, accountId, 'network', 1);
      }
    });
  }

  /** The account's isolated network in the zone, created from the default offering on first deploy. */
  async defaultNetworkFor(accountId: number, zoneId: number): Promise<NetworkRow> {
    const have = await this.db.kysely.selectFrom('networks').select('id').where('account_id', '=', accountId).where('zone_id', '=', zoneId)
      .where('guest_type', '=', 'Isolated').where('removed', 'is', null).orderBy('id').executeTakeFirst();
    if (have) return this.get(have.id);
    const a = await this.db.kysely.selectFrom('accounts as a').innerJoin('domains as d', 'd.id', 'a.domain_id')
      .select(['a.id', 'a.uuid', 'a.account_name', 'a.domain_id', 'd.uuid as domain_uuid', 'd.path']).where('a.id', '=', accountId).executeTakeFirstOrThrow();
    const off = await this.offerings.defaultIsolated();
    const caller = { userId: 1, accountId: a.id, domainId: a.domain_id, accountName: a.account_name, roleType: 'User', domainPath: a.path } as Caller;
    return this.create(caller, { name: `${a.account_name}-network`, displayText: `${a.account_name}-network`, networkOfferingId: off.id, zoneId });
  }
}
