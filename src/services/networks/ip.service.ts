/**
 * Public IP addresses of guest networks (CloudStack IpAddressManagerImpl): associate takes a
 * Free row of the zone's VirtualNetwork ranges (infra's `user_ip_addresses`), disassociate
 * returns it; the first IP of an isolated network becomes its source NAT when the network is
 * implemented. Limit type 'public_ip'; events NET.IPASSIGN / NET.IPRELEASE.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { UserIpAddressesTable } from '../../db/schema/infra.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { LimitService } from '../limits/limit.service.js';
import type { Page } from '../paging.js';
import type { NetworkNotifier } from './notifier.js';

export type IpRow = Selectable<UserIpAddressesTable> & {
  zone_uuid: string; zone_name: string; vlan_uuid: string; vlan_tag: string; vlan_type: string;
  account_name: string | null; domain_uuid: string | null; domain_name: string | null; domain_path: string | null;
  network_uuid: string | null; network_name: string | null; physical_network_uuid: string | null;
  vm_uuid: string | null; vm_name: string | null; vm_display_name: string | null;
};

const ipQuery = (k: Kysely<Database>) =>
  k.selectFrom('user_ip_addresses as i')
    .innerJoin('zones as z', 'z.id', 'i.zone_id')
    .innerJoin('vlans as v', 'v.id', 'i.vlan_id')
    .leftJoin('accounts as a', 'a.id', 'i.account_id')
    .leftJoin('domains as d', 'd.id', 'i.domain_id')
    .leftJoin('networks as n', 'n.id', 'i.network_id')
    .leftJoin('physical_networks as pn', 'pn.id', 'i.physical_network_id')
    .leftJoin('vm_instances as vm', 'vm.id', 'i.vm_id')
    .selectAll('i')
    .select([
      'z.uuid as zone_uuid', 'z.name as zone_name', 'v.uuid as vlan_uuid', 'v.vlan_tag', 'v.vlan_type',
      'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path',
      'n.uuid as network_uuid', 'n.name as network_name', 'pn.uuid as physical_network_uuid',
      'vm.uuid as vm_uuid', 'vm.name as vm_name', 'vm.display_name as vm_display_name',
    ])
    .where('i.removed', 'is', null);

export interface IpFilter {
  id?: number | undefined; ipAddress?: string | undefined; zoneId?: number | undefined; vlanId?: number | undefined;
  allocatedOnly?: boolean | undefined; state?: string | undefined; forVirtualNetwork?: boolean | undefined;
  associatedNetworkId?: number | undefined; physicalNetworkId?: number | undefined; isSourceNat?: boolean | undefined;
  isStaticNat?: boolean | undefined; forSystemVms?: boolean | undefined; keyword?: string | undefined;
}

export interface Owner { id: number; domainId: number; name: string }

export class IpService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
    private readonly limits: LimitService,
    private readonly notifier: NetworkNotifier,
  ) {}

  async get(id: number, exec: Kysely<Database> = this.db.kysely): Promise<IpRow> {
    const r = await ipQuery(exec).where('i.id', '=', id).executeTakeFirst();
    if (!r) throw paramError('Unable to find ip address by id');
    return r as IpRow;
  }

  async idOfAddress(address: string): Promise<number | undefined> {
    const r = await this.db.kysely.selectFrom('user_ip_addresses').select('id').where('public_ip_address', '=', address).where('removed', 'is', null).where('state', '!=', 'Free').executeTakeFirst();
    return r?.id;
  }

  /** The allocated IP `id`, if the caller may act on it (531 otherwise). */
  async getOwned(caller: Caller, id: number): Promise<IpRow> {
    const ip = await this.get(id);
    if (ip.account_id === null || ip.state === 'Free') throw paramError(`Unable to find ip address by id=${ip.uuid}`);
    this.scoper.checkAccess(caller, { accountId: ip.account_id, domainId: ip.domain_id!, domainPath: ip.domain_path! }, 'ip address');
    return ip;
  }

  /**
   * associateIpAddress's create step: takes a Free public IP of the zone (or the given one)
   * for `owner`, on `networkId` if any, in state Allocating.
   */
  async allocate(caller: Caller, owner: Owner, p: { zoneId: number; networkId: number | null; ipAddress?: string | undefined }): Promise<IpRow> {
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      await this.limits.check(owner.id, 'public_ip', 1, trx);
      const ip = await this.takeFree(trx, owner, p.zoneId, p.ipAddress);
      await trx.updateTable('user_ip_addresses')
        .set({ state: 'Allocating', account_id: owner.id, domain_id: owner.domainId, allocated: Date.now(), network_id: p.networkId, source_nat: 0 })
        .where('id', '=', ip.id).execute();
      await this.limits.increment(trx, owner.id, 'public_ip', 1);
      await this.events.record({ type: 'NET.IPASSIGN', description: `Assigned public IP ${ip.public_ip_address}`, userId: caller.userId, accountId: owner.id, domainId: owner.domainId, resourceType: 'IpAddress', resourceUuid: ip.uuid }, trx);
      return ip.id;
    });
    return this.get(id);
  }

  /** associateIpAddress's job: Allocating → Allocated. */
  async markAllocated(id: number): Promise<IpRow> {
    await this.db.kysely.updateTable('user_ip_addresses').set({ state: 'Allocated' }).where('id', '=', id).where('state', '=', 'Allocating').execute();
    const ip = await this.get(id);
    if (ip.network_id !== null) await this.notifier.changed(ip.network_id);
    return ip;
  }

  /** Checks disassociateIpAddress can proceed (in the request). */
  async checkRelease(caller: Caller, id: number): Promise<IpRow> {
    const ip = await this.getOwned(caller, id);
    // A direct range's address is a guest's NIC address: it goes when the VM is expunged.
    if (ip.vlan_type === 'DirectAttached') throw paramError(`Unable to release IP address ${ip.public_ip_address}: it is the address of a direct attached guest`);
    if (ip.source_nat && ip.network_id !== null) {
      const n = await this.db.kysely.selectFrom('networks').select('state').where('id', '=', ip.network_id).executeTakeFirst();
      if (n && n.state !== 'Allocated') throw paramError('ip address is used for source nat purposes and can not be disassociated.');
    }
    return ip;
  }

  /** disassociateIpAddress's job: revokes the IP's rules and static NAT, returns it to Free. */
  async release(caller: Caller, id: number): Promise<void> {
    const ip = await this.checkRelease(caller, id);
    await this.db.kysely.transaction().execute(async (trx) => {
      await this.releaseRow(trx, ip.id, caller.userId);
    });
    if (ip.network_id !== null) await this.notifier.changed(ip.network_id);
  }

  /** Frees one allocated IP row in `trx`: its rules go, the count and event follow. */
  async releaseRow(trx: Kysely<Database>, ipId: number, userId: number): Promise<void> {
    const ip = await forUpdate(trx.selectFrom('user_ip_addresses').selectAll().where('id', '=', ipId), this.db.dialect).executeTakeFirst();
    if (!ip || ip.account_id === null || ip.state === 'Free') return;
    const rules = await trx.selectFrom('firewall_rules').select('id').where('ip_address_id', '=', ipId).where('removed', 'is', null).execute();
    if (rules.length > 0) {
      const ids = rules.map((r) => r.id);
      await trx.deleteFrom('lb_vm_map').where('rule_id', 'in', ids).execute();
      await trx.updateTable('lb_stickiness_policies').set({ removed: Date.now() }).where('rule_id', 'in', ids).where('removed', 'is', null).execute();
      await trx.updateTable('firewall_rules').set({ state: 'Revoke', removed: Date.now() }).where('id', 'in', ids).execute();
    }
    await trx.updateTable('user_ip_addresses')
      .set({ state: 'Free', account_id: null, domain_id: null, allocated: null, source_nat: 0, network_id: null, vm_id: null, vm_ip: null, one_to_one_nat: 0 })
      .where('id', '=', ipId).execute();
    await this.limits.decrement(trx, ip.account_id, 'public_ip', 1);
    await this.events.record({ type: 'NET.IPRELEASE', description: `Released public IP ${ip.public_ip_address}`, userId, accountId: ip.account_id, domainId: ip.domain_id!, resourceType: 'IpAddress', resourceUuid: ip.uuid }, trx);
  }

  /**
   * Implementing an isolated network with SourceNat: its oldest allocated IP becomes the
   * source NAT; with none, a Free one of the zone is taken for the network's account.
   */
  async ensureSourceNat(trx: Kysely<Database>, net: { id: number; zone_id: number; account_id: number; domain_id: number }, owner: Owner, userId: number): Promise<number> {
    const have = await trx.selectFrom('user_ip_addresses').select(['id', 'source_nat']).where('network_id', '=', net.id).where('state', 'in', ['Allocating', 'Allocated'])
      .where('removed', 'is', null).orderBy('source_nat', 'desc').orderBy('allocated').orderBy('id').execute();
    if (have[0]?.source_nat) return have[0].id;
    if (have[0]) {
      await trx.updateTable('user_ip_addresses').set({ source_nat: 1 }).where('id', '=', have[0].id).execute();
      return have[0].id;
    }
    await this.limits.check(owner.id, 'public_ip', 1, trx);
    const ip = await this.takeFree(trx, owner, net.zone_id, undefined);
    await trx.updateTable('user_ip_addresses')
      .set({ state: 'Allocated', account_id: owner.id, domain_id: owner.domainId, allocated: Date.now(), network_id: net.id, source_nat: 1 })
      .where('id', '=', ip.id).execute();
    await this.limits.increment(trx, owner.id, 'public_ip', 1);
    await this.events.record({ type: 'NET.IPASSIGN', description: `Assigned source NAT IP ${ip.public_ip_address}`, userId, accountId: owner.id, domainId: owner.domainId, resourceType: 'IpAddress', resourceUuid: ip.uuid }, trx);
    return ip.id;
  }

  async list(scope: ListScope, f: IpFilter, page: Page, caller: Caller): Promise<{ rows: IpRow[]; count: number }> {
    let q = ipQuery(this.db.kysely);
    const allocatedOnly = f.allocatedOnly ?? true;
    if (allocatedOnly || !isRootAdmin(caller)) q = this.scoper.apply(q.where('i.account_id', 'is not', null), scope, 'i.account_id', 'i.domain_id');
    if (f.id !== undefined) q = q.where('i.id', '=', f.id);
    if (f.ipAddress !== undefined) q = q.where('i.public_ip_address', '=', f.ipAddress);
    if (f.zoneId !== undefined) q = q.where('i.zone_id', '=', f.zoneId);
    if (f.vlanId !== undefined) q = q.where('i.vlan_id', '=', f.vlanId);
    if (f.state !== undefined) q = q.where('i.state', '=', f.state);
    if (f.forVirtualNetwork !== undefined) q = q.where('v.vlan_type', '=', f.forVirtualNetwork ? 'VirtualNetwork' : 'DirectAttached');
    if (f.associatedNetworkId !== undefined) q = q.where('i.network_id', '=', f.associatedNetworkId);
    if (f.physicalNetworkId !== undefined) q = q.where('i.physical_network_id', '=', f.physicalNetworkId);
    if (f.isSourceNat !== undefined) q = q.where('i.source_nat', '=', f.isSourceNat ? 1 : 0);
    if (f.isStaticNat !== undefined) q = q.where('i.one_to_one_nat', '=', f.isStaticNat ? 1 : 0);
    if (f.forSystemVms !== undefined) q = q.where('i.for_system_vms', '=', f.forSystemVms ? 1 : 0);
    if (f.keyword) q = q.where('i.public_ip_address', 'like', `%${f.keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    return page.run(q.orderBy('i.id')) as Promise<{ rows: IpRow[]; count: number }>;
  }

  /** Locks and returns a Free VirtualNetwork IP of the zone usable by `owner` (533 when none). */
  private async takeFree(trx: Kysely<Database>, owner: Owner, zoneId: number, wanted: string | undefined) {
    let q = trx.selectFrom('user_ip_addresses as i').innerJoin('vlans as v', 'v.id', 'i.vlan_id')
      .select(['i.id', 'i.uuid', 'i.public_ip_address', 'i.state'])
      .where('i.zone_id', '=', zoneId).where('v.vlan_type', '=', 'VirtualNetwork').where('v.removed', 'is', null)
      .where('i.for_system_vms', '=', 0).where('i.is_system', '=', 0).where('i.removed', 'is', null)
      .where((eb) => eb.or([eb('v.account_id', 'is', null), eb('v.account_id', '=', owner.id)]));
    if (wanted !== undefined) {
      const r = await forUpdate(q.where('i.public_ip_address', '=', wanted), this.db.dialect).executeTakeFirst();
      if (!r) throw new CloudError('InsufficientCapacity', `Unable to find the requested ip address ${wanted} in the zone`, { scope: 'zone' });
      if (r.state !== 'Free') throw paramError(`IP address ${wanted} is already allocated`);
      return r;
    }
    q = q.where('i.state', '=', 'Free');
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await forUpdate(q.orderBy('v.account_id', 'desc').orderBy('i.id').limit(1), this.db.dialect).executeTakeFirst();
      if (!r) break;
      const u = await trx.updateTable('user_ip_addresses').set({ state: 'Allocating' }).where('id', '=', r.id).where('state', '=', 'Free').executeTakeFirst();
      if (Number(u.numUpdatedRows) === 1) return r;
    }
    throw new CloudError('InsufficientCapacity', 'Insufficient address capacity', { scope: 'zone' });
  }
}
