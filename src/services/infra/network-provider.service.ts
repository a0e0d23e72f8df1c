/**
 * What a physical network carries (traffic types) and who provides network services on it
 * (service providers and the virtual router elements behind VirtualRouter/VpcVirtualRouter).
 * Every command here is async; its job writes the TRAFFIC.TYPE.* / SERVICE.PROVIDER.UPDATE /
 * NETWORK.ELEMENT.CONFIGURE events.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Page } from '../paging.js';
import type { TableProbe } from './infra.queries.js';
import { oneOf } from './zone.service.js';

export const TRAFFIC_TYPES = ['Public', 'Guest', 'Management', 'Storage'] as const;
const NSP_STATES = ['Enabled', 'Disabled', 'Shutdown'] as const;

export function trafficTypeQuery(k: Kysely<Database>) {
  return k
    .selectFrom('physical_network_traffic_types as t')
    .innerJoin('physical_networks as n', 'n.id', 't.physical_network_id')
    .selectAll('t')
    .select(['n.uuid as physical_network_uuid', 'n.zone_id'])
    .where('n.removed', 'is', null);
}
export type TrafficTypeRow = Awaited<ReturnType<ReturnType<typeof trafficTypeQuery>['executeTakeFirstOrThrow']>>;

export function providerQuery(k: Kysely<Database>) {
  return k
    .selectFrom('physical_network_service_providers as s')
    .innerJoin('physical_networks as n', 'n.id', 's.physical_network_id')
    .leftJoin('physical_networks as dn', 'dn.id', 's.destination_physical_network_id')
    .selectAll('s')
    .select(['n.uuid as physical_network_uuid', 'dn.uuid as destination_uuid'])
    .where('s.removed', 'is', null);
}
export type ProviderRow = Awaited<ReturnType<ReturnType<typeof providerQuery>['executeTakeFirstOrThrow']>>;

export function routerElementQuery(k: Kysely<Database>) {
  return k
    .selectFrom('virtual_router_elements as e')
    .innerJoin('physical_network_service_providers as s', 's.id', 'e.nsp_id')
    .selectAll('e')
    .select(['s.uuid as nsp_uuid'])
    .where('e.removed', 'is', null);
}
export type RouterElementRow = Awaited<ReturnType<ReturnType<typeof routerElementQuery>['executeTakeFirstOrThrow']>>;

export interface TrafficLabels {
  kvm?: string | undefined;
  xen?: string | undefined;
  vmware?: string | undefined;
  hyperv?: string | undefined;
  ovm3?: string | undefined;
}

function labelColumns(l: TrafficLabels): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (l.kvm !== undefined) out['kvm_network_label'] = l.kvm || null;
  if (l.xen !== undefined) out['xen_network_label'] = l.xen || null;
  if (l.vmware !== undefined) out['vmware_network_label'] = l.vmware || null;
  if (l.hyperv !== undefined) out['hyperv_network_label'] = l.hyperv || null;
  if (l.ovm3 !== undefined) out['ovm3_network_label'] = l.ovm3 || null;
  return out;
}

export class NetworkProviderService {
  constructor(
    private readonly db: Db,
    private readonly probe: TableProbe,
  ) {}

  async trafficType(id: number): Promise<TrafficTypeRow> {
    const t = await trafficTypeQuery(this.db.kysely).where('t.id', '=', id).executeTakeFirst();
    if (!t) throw paramError(`Unable to find traffic type`);
    return t;
  }

  async addTrafficType(physicalNetworkId: number, p: { trafficType: string; labels: TrafficLabels; vlan?: string | undefined; isolationMethod?: string | undefined }): Promise<TrafficTypeRow> {
    const type = oneOf('traffic type', p.trafficType, TRAFFIC_TYPES);
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const n = await forUpdate(trx.selectFrom('physical_networks').select(['id', 'zone_id', 'name']).where('id', '=', physicalNetworkId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
      if (!n) throw paramError(`Unable to find physical network`);
      const same = await trx.selectFrom('physical_network_traffic_types').select('id').where('physical_network_id', '=', n.id).where('traffic_type', '=', type).executeTakeFirst();
      if (same) throw paramError(`This physical network already supports the traffic type: ${type}`);
      if (type !== 'Guest') {
        // Public, Management and Storage traffic each ride on a single physical network per zone.
        const other = await trx
          .selectFrom('physical_network_traffic_types as t')
          .innerJoin('physical_networks as o', 'o.id', 't.physical_network_id')
          .select('o.name')
          .where('o.zone_id', '=', n.zone_id).where('o.removed', 'is', null).where('t.traffic_type', '=', type)
          .executeTakeFirst();
        if (other) throw paramError(`Traffic type ${type} is already carried by physical network ${other.name} of this zone`);
      }
      return insertId(trx, this.db.dialect, 'physical_network_traffic_types', {
        uuid: randomUUID(), physical_network_id: n.id, traffic_type: type, kvm_network_label: null, xen_network_label: null,
        vmware_network_label: null, hyperv_network_label: null, ovm3_network_label: null, ...labelColumns(p.labels),
        vlan: p.vlan ?? null, isolation_method: p.isolationMethod ?? null,
      });
    });
    return this.trafficType(id);
  }

  async updateTrafficType(id: number, labels: TrafficLabels): Promise<TrafficTypeRow> {
    await this.trafficType(id);
    const set = labelColumns(labels);
    if (Object.keys(set).length) await this.db.kysely.updateTable('physical_network_traffic_types').set(set).where('id', '=', id).execute();
    return this.trafficType(id);
  }

  async deleteTrafficType(id: number): Promise<void> {
    const t = await this.trafficType(id);
    if (await this.probe.count('networks', { physical_network_id: t.physical_network_id, traffic_type: t.traffic_type })) {
      throw new CloudError('ResourceInUse', `Unable to delete traffic type ${t.traffic_type}: networks of that traffic type use the physical network`);
    }
    await this.db.kysely.deleteFrom('physical_network_traffic_types').where('id', '=', id).execute();
  }

  async listTrafficTypes(physicalNetworkId: number, keyword: string | undefined, page: Page): Promise<{ rows: TrafficTypeRow[]; count: number }> {
    let q = trafficTypeQuery(this.db.kysely).where('t.physical_network_id', '=', physicalNetworkId);
    if (keyword) q = q.where('t.traffic_type', likeInsensitive(this.db.dialect), likePattern(keyword));
    return page.run(q.orderBy('t.id'));
  }

  async provider(id: number): Promise<ProviderRow> {
    const s = await providerQuery(this.db.kysely).where('s.id', '=', id).executeTakeFirst();
    if (!s) throw paramError(`Unable to find network service provider`);
    return s;
  }

  async listProviders(f: { physicalNetworkId?: number | undefined; name?: string | undefined; state?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: ProviderRow[]; count: number }> {
    let q = providerQuery(this.db.kysely).where('n.removed', 'is', null);
    if (f.physicalNetworkId !== undefined) q = q.where('s.physical_network_id', '=', f.physicalNetworkId);
    if (f.name !== undefined) q = q.where('s.provider_name', '=', f.name);
    if (f.state !== undefined) q = q.where('s.state', '=', f.state);
    if (f.keyword) q = q.where('s.provider_name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('s.id'));
  }

  /**
   * Changes a provider's state or services. A virtual-router provider can only be enabled
   * once its element is configured (CloudStack: "Provider is not ready").
   */
  async updateProvider(id: number, p: { state?: string | undefined; services?: string[] | undefined }): Promise<ProviderRow> {
    const s = await this.provider(id);
    const set: Record<string, unknown> = {};
    if (p.state !== undefined) {
      const state = oneOf('state', p.state, NSP_STATES);
      if (state === 'Enabled') {
        const el = await this.db.kysely.selectFrom('virtual_router_elements').select('enabled').where('nsp_id', '=', id).where('removed', 'is', null).executeTakeFirst();
        if (el && el.enabled !== 1) throw new CloudError('InvalidState', `Provider ${s.provider_name} is not ready, cannot Enable the provider, please configure the provider first`);
      }
      set['state'] = state;
    }
    if (p.services !== undefined) {
      const offered = new Set(s.services.split(','));
      const bad = p.services.filter((x) => !offered.has(x));
      if (bad.length) throw paramError(`Provider ${s.provider_name} does not support service(s) ${bad.join(', ')}`);
      set['services'] = p.services.join(',');
    }
    if (Object.keys(set).length) await this.db.kysely.updateTable('physical_network_service_providers').set(set).where('id', '=', id).execute();
    return this.provider(id);
  }

  async routerElement(id: number, internalLb = false): Promise<RouterElementRow> {
    const e = await routerElementQuery(this.db.kysely).where('e.id', '=', id).executeTakeFirst();
    if (!e || (e.type === 'InternalLbVm') !== internalLb) throw paramError(`Unable to find ${internalLb ? 'internal load balancer' : 'virtual router'} element`);
    return e;
  }

  /** Elements of the virtual routers (`internalLb` false) or of the internal load balancer VMs (true). */
  async listRouterElements(f: { id?: number | undefined; nspId?: number | undefined; enabled?: boolean | undefined; internalLb?: boolean }, page: Page): Promise<{ rows: RouterElementRow[]; count: number }> {
    let q = routerElementQuery(this.db.kysely).where('s.removed', 'is', null);
    q = f.internalLb ? q.where('e.type', '=', 'InternalLbVm') : q.where('e.type', '!=', 'InternalLbVm');
    if (f.id !== undefined) q = q.where('e.id', '=', f.id);
    if (f.nspId !== undefined) q = q.where('e.nsp_id', '=', f.nspId);
    if (f.enabled !== undefined) q = q.where('e.enabled', '=', f.enabled ? 1 : 0);
    return page.run(q.orderBy('e.id'));
  }

  async configureRouterElement(id: number, enabled: boolean, internalLb = false): Promise<RouterElementRow> {
    await this.routerElement(id, internalLb);
    await this.db.kysely.updateTable('virtual_router_elements').set({ enabled: enabled ? 1 : 0 }).where('id', '=', id).execute();
    return this.routerElement(id, internalLb);
  }
}
