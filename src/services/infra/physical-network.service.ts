/**
 * Physical networks of a zone with their guest VLAN ranges. Creating one also adds the
 * default network service providers (Disabled until the admin enables them, as CloudStack's
 * zone wizard does) and the elements behind VirtualRouter/VpcVirtualRouter/InternalLbVm.
 * Events are written by the async job of each command (PHYSICAL.NETWORK.*).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { QueryTemplate } from '../../db/prepared.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Page } from '../paging.js';
import { normaliseTags, type TableProbe } from './infra.queries.js';
import { allocateVnet, formatVlanRanges, parseVlanRanges, releaseVnet, syncVnets, vlansOf } from './guest-vlans.js';
import { oneOf } from './zone.service.js';

const ISOLATION_METHODS = ['VLAN', 'VXLAN', 'GRE', 'STT', 'L3', 'BCF_SEGMENT', 'MIDO', 'SSP', 'ODL', 'L3VPN', 'VSP', 'VCS', 'TF', 'NSX', 'NETRIS'] as const;
const RANGES = ['ZONE', 'POD'] as const;
const STATES = ['Enabled', 'Disabled'] as const;

const VR_SERVICES = 'Dhcp,Dns,Firewall,Gateway,Lb,PortForwarding,SourceNat,StaticNat,UserData,Vpn';
/** The providers CloudStack adds to every new physical network, with their services. */
export const DEFAULT_PROVIDERS: ReadonlyArray<{ name: string; services: string; state: 'Enabled' | 'Disabled'; vrType?: string }> = [
  { name: 'VirtualRouter', services: VR_SERVICES, state: 'Disabled', vrType: 'VirtualRouter' },
  { name: 'VpcVirtualRouter', services: `${VR_SERVICES},NetworkACL`, state: 'Disabled', vrType: 'VPCVirtualRouter' },
  { name: 'InternalLbVm', services: 'Lb', state: 'Disabled', vrType: 'InternalLbVm' },
  { name: 'SecurityGroupProvider', services: 'SecurityGroup', state: 'Disabled' },
  { name: 'ConfigDrive', services: 'UserData', state: 'Enabled' },
];

export function physicalNetworkQuery(k: Kysely<Database>) {
  return k
    .selectFrom('physical_networks as n')
    .innerJoin('zones as z', 'z.id', 'n.zone_id')
    .leftJoin('domains as d', 'd.id', 'n.domain_id')
    .selectAll('n')
    .select(['z.uuid as zone_uuid', 'z.name as zone_name', 'd.uuid as domain_uuid'])
    .where('n.removed', 'is', null);
}
/** Every deploy asks for the zone's guest physical network (issue #5 bench): a template. */
const FOR_TRAFFIC = new QueryTemplate((k, $) => physicalNetworkQuery(k)
  .where('n.zone_id', '=', $<number>('zoneId'))
  .where('n.id', 'in', (eb) => eb.selectFrom('physical_network_traffic_types').select('physical_network_id').where('traffic_type', '=', $<string>('trafficType')))
  .orderBy('n.id'));

export type PhysicalNetworkRow = Awaited<ReturnType<ReturnType<typeof physicalNetworkQuery>['executeTakeFirstOrThrow']>>;

export interface PhysicalNetworkInput {
  zoneId: number;
  name: string;
  vlan?: string | undefined;
  networkSpeed?: string | undefined;
  domainId?: number | undefined;
  broadcastDomainRange?: string | undefined;
  tags?: string[] | undefined;
  isolationMethods?: string[] | undefined;
}

function singleTag(tags: string[] | undefined): string | null {
  const t = normaliseTags(tags);
  if (t && t.includes(',')) throw paramError('Only one tag can be specified for a physical network at this time');
  return t;
}

export class PhysicalNetworkService {
  constructor(
    private readonly db: Db,
    private readonly probe: TableProbe,
  ) {}

  async get(id: number): Promise<PhysicalNetworkRow> {
    const n = await physicalNetworkQuery(this.db.kysely).where('n.id', '=', id).executeTakeFirst();
    if (!n) throw paramError(`Unable to find physical network`);
    return n;
  }

  /** Refuses VLANs that another physical network of the zone already carries. */
  private async checkVlanOverlap(trx: Kysely<Database>, zoneId: number, id: number, wanted: Set<number>): Promise<void> {
    if (!wanted.size) return;
    const others = await trx.selectFrom('physical_networks').select(['id', 'name', 'vlan']).where('zone_id', '=', zoneId).where('removed', 'is', null).where('id', '!=', id).execute();
    for (const o of others) {
      if (!o.vlan) continue;
      for (const [a, b] of parseVlanRanges(o.vlan)) {
        for (let v = a; v <= b; v++) if (wanted.has(v)) throw paramError(`The VLAN range overlaps with the range ${o.vlan} of physical network ${o.name} (VLAN ${v})`);
      }
    }
  }

  async create(p: PhysicalNetworkInput): Promise<PhysicalNetworkRow> {
    const isolation = (p.isolationMethods ?? []).filter((x) => x.trim() !== '');
    if (isolation.length > 1) throw paramError('Only one isolation method can be specified for a physical network at this time');
    const iso = isolation.length ? oneOf('isolation method', isolation[0]!.toUpperCase(), ISOLATION_METHODS) : 'VLAN';
    const tag = singleTag(p.tags);
    const ranges = p.vlan ? parseVlanRanges(p.vlan) : [];
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const zone = await forUpdate(trx.selectFrom('zones').select(['id', 'name', 'network_type']).where('id', '=', p.zoneId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
      if (!zone) throw paramError(`Unable to find zone`);
      const existing = await trx.selectFrom('physical_networks').select('id').where('zone_id', '=', zone.id).where('removed', 'is', null).executeTakeFirst();
      if (zone.network_type === 'Basic' && existing) throw paramError(`Cannot add the physical network to basic zone ${zone.name}: it already has a physical network`);
      const range = p.broadcastDomainRange ? oneOf('broadcast domain range', p.broadcastDomainRange.toUpperCase(), RANGES) : zone.network_type === 'Basic' ? 'POD' : 'ZONE';
      await this.checkVlanOverlap(trx, zone.id, -1, vlansOf(ranges));
      const newId = await insertId(trx, this.db.dialect, 'physical_networks', {
        uuid, name: p.name, zone_id: zone.id, domain_id: p.domainId ?? null, vlan: ranges.length ? formatVlanRanges(ranges) : null,
        broadcast_domain_range: range, isolation_methods: iso, tags: tag, network_speed: p.networkSpeed ?? null, state: 'Disabled', created: Date.now(), removed: null,
      });
      for (const prov of DEFAULT_PROVIDERS) {
        const nspId = await insertId(trx, this.db.dialect, 'physical_network_service_providers', {
          uuid: randomUUID(), physical_network_id: newId, provider_name: prov.name, state: prov.state, destination_physical_network_id: null, services: prov.services, removed: null,
        });
        if (prov.vrType) await insertId(trx, this.db.dialect, 'virtual_router_elements', { uuid: randomUUID(), nsp_id: nspId, type: prov.vrType, enabled: 0, removed: null });
      }
      await syncVnets(trx, zone.id, newId, vlansOf(ranges));
      return newId;
    });
    return this.get(id);
  }

  async update(id: number, p: { networkSpeed?: string | undefined; tags?: string[] | undefined; state?: string | undefined; vlan?: string | undefined }): Promise<PhysicalNetworkRow> {
    const n = await this.get(id);
    await this.db.kysely.transaction().execute(async (trx) => {
      const set: Record<string, unknown> = {};
      if (p.networkSpeed !== undefined) set['network_speed'] = p.networkSpeed;
      if (p.tags !== undefined) set['tags'] = singleTag(p.tags);
      if (p.state !== undefined) set['state'] = oneOf('state', p.state, STATES);
      if (p.vlan !== undefined) {
        const ranges = parseVlanRanges(p.vlan);
        const wanted = vlansOf(ranges);
        await this.checkVlanOverlap(trx, n.zone_id, id, wanted);
        await syncVnets(trx, n.zone_id, id, wanted);
        set['vlan'] = ranges.length ? formatVlanRanges(ranges) : null;
      }
      if (Object.keys(set).length) await trx.updateTable('physical_networks').set(set).where('id', '=', id).execute();
    });
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    const n = await this.get(id);
    const k = this.db.kysely;
    if (await this.probe.count('networks', { physical_network_id: id })) throw new CloudError('ResourceInUse', `Unable to delete physical network ${n.name}: there are guest networks using it`);
    const taken = await k.selectFrom('op_dc_vnet_alloc').select('vnet').where('physical_network_id', '=', id).where('taken', 'is not', null).executeTakeFirst();
    if (taken) throw new CloudError('ResourceInUse', `Unable to delete physical network ${n.name}: VLAN ${taken.vnet} is allocated`);
    const range = await k.selectFrom('vlans').select(['start_ip', 'end_ip']).where('physical_network_id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (range) throw new CloudError('ResourceInUse', `Unable to delete physical network ${n.name}: the IP range ${range.start_ip}-${range.end_ip} uses it; delete it first`);
    await k.transaction().execute(async (trx) => {
      const now = Date.now();
      const nsps = trx.selectFrom('physical_network_service_providers').select('id').where('physical_network_id', '=', id);
      await trx.updateTable('virtual_router_elements').set({ removed: now }).where('nsp_id', 'in', nsps).where('removed', 'is', null).execute();
      await trx.updateTable('physical_network_service_providers').set({ removed: now }).where('physical_network_id', '=', id).where('removed', 'is', null).execute();
      await trx.deleteFrom('physical_network_traffic_types').where('physical_network_id', '=', id).execute();
      await trx.deleteFrom('op_dc_vnet_alloc').where('physical_network_id', '=', id).execute();
      await trx.updateTable('physical_networks').set({ removed: now, state: 'Disabled' }).where('id', '=', id).execute();
    });
  }

  async list(f: { id?: number | undefined; zoneId?: number | undefined; name?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: PhysicalNetworkRow[]; count: number }> {
    let q = physicalNetworkQuery(this.db.kysely);
    if (f.id !== undefined) q = q.where('n.id', '=', f.id);
    if (f.zoneId !== undefined) q = q.where('n.zone_id', '=', f.zoneId);
    if (f.name !== undefined) q = q.where('n.name', '=', f.name);
    if (f.keyword) q = q.where('n.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('n.id'));
  }

  /** Takes a free guest VLAN ("123") of the physical network for a network of `accountId`; 533 when exhausted. */
  allocateGuestVlan(trx: Kysely<Database>, physicalNetworkId: number, accountId: number, networkId: number | null = null): Promise<string> {
    return allocateVnet(trx, this.db.dialect, physicalNetworkId, accountId, networkId);
  }

  /** Returns a guest VLAN to the pool (idempotent). */
  releaseGuestVlan(trx: Kysely<Database>, physicalNetworkId: number, vnet: string): Promise<void> {
    return releaseVnet(trx, physicalNetworkId, vnet);
  }

  /** The zone's physical network carrying `trafficType` (Guest/Public/…), the first one if several. */
  async forTraffic(zoneId: number, trafficType: string): Promise<PhysicalNetworkRow | undefined> {
    const [row] = await FOR_TRAFFIC.execute(this.db.kysely, '', { zoneId, trafficType });
    return row;
  }
}
