/**
 * Network offerings (CloudStack ConfigurationManagerImpl create/update/delete/searchForNetworkOfferings).
 * Services and providers live in `network_offering_services`, one row per pair.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { NetworkOfferingsTable } from '../../db/schema/networks.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Page } from '../paging.js';
import { KNOWN_SERVICES, providerFor } from './default-offerings.js';

export type OfferingRow = Selectable<NetworkOfferingsTable> & { services: Array<{ service: string; provider: string }> };

export interface OfferingFilter {
  id?: number | undefined;
  name?: string | undefined;
  guestType?: string | undefined;
  trafficType?: string | undefined;
  state?: string | undefined;
  isDefault?: boolean | undefined;
  specifyVlan?: boolean | undefined;
  sourceNatSupported?: boolean | undefined;
  supportedServices?: string[] | undefined;
  keyword?: string | undefined;
  /** Users only see enabled, non-system offerings for guest networks (CloudStack hides the rest). */
  forUser?: boolean | undefined;
}

const norm = (s: string) => KNOWN_SERVICES.find((k) => k.toLowerCase() === s.toLowerCase());

export class NetworkOfferingService {
  constructor(private readonly db: Db) {}

  async get(id: number, exec: Kysely<Database> = this.db.kysely): Promise<OfferingRow> {
    const o = await exec.selectFrom('network_offerings').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (!o) throw paramError('Unable to find network offering by id');
    return (await this.withServices(exec, [o]))[0]!;
  }

  async hasService(offeringId: number, service: string, exec: Kysely<Database> = this.db.kysely): Promise<boolean> {
    const r = await exec.selectFrom('network_offering_services').select('id').where('network_offering_id', '=', offeringId).where('service', '=', service).executeTakeFirst();
    return r !== undefined;
  }

  /** The seeded default for isolated networks with source NAT (deployVirtualMachine's first network). */
  async defaultIsolated(exec: Kysely<Database> = this.db.kysely): Promise<OfferingRow> {
    const o = await exec.selectFrom('network_offerings').select('id').where('name', '=', 'DefaultIsolatedNetworkOfferingWithSourceNatService').where('removed', 'is', null).executeTakeFirst();
    if (!o) throw new CloudError('InsufficientCapacity', 'Unable to find the default isolated network offering with source NAT service');
    return this.get(o.id, exec);
  }

  async list(f: OfferingFilter, page: Page): Promise<{ rows: OfferingRow[]; count: number }> {
    const k = this.db.kysely;
    let q = k.selectFrom('network_offerings').selectAll().where('removed', 'is', null);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    if (f.guestType !== undefined) q = q.where('guest_type', '=', f.guestType === 'isolated' || f.guestType === 'Isolated' ? 'Isolated' : f.guestType === 'shared' || f.guestType === 'Shared' ? 'Shared' : f.guestType);
    if (f.trafficType !== undefined) q = q.where('traffic_type', '=', f.trafficType);
    if (f.state !== undefined) q = q.where('state', '=', f.state);
    if (f.isDefault !== undefined) q = q.where('is_default', '=', f.isDefault ? 1 : 0);
    if (f.specifyVlan !== undefined) q = q.where('specify_vlan', '=', f.specifyVlan ? 1 : 0);
    if (f.forUser) q = q.where('state', '=', 'Enabled');
    if (f.keyword) q = q.where('name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    if (f.sourceNatSupported !== undefined) {
      const sub = k.selectFrom('network_offering_services').select('network_offering_id').where('service', '=', 'SourceNat');
      q = f.sourceNatSupported ? q.where('id', 'in', sub) : q.where('id', 'not in', sub);
    }
    for (const s of f.supportedServices ?? []) {
      const svc = norm(s);
      if (!svc) throw paramError(`Invalid service ${s}`);
      q = q.where('id', 'in', k.selectFrom('network_offering_services').select('network_offering_id').where('service', '=', svc));
    }
    const r = await page.run(q.orderBy('sort_key').orderBy('id'));
    return { rows: await this.withServices(k, r.rows), count: r.count };
  }

  async create(p: {
    name: string; displayText?: string | undefined; trafficType: string; guestType: string; availability?: string | undefined;
    specifyVlan?: boolean | undefined; specifyIpRanges?: boolean | undefined; conserveMode?: boolean | undefined; egressDefaultPolicy?: boolean | undefined;
    isPersistent?: boolean | undefined; networkRate?: number | undefined; tags?: string | undefined; maxConnections?: number | undefined;
    services?: string[] | undefined; providers?: Array<Record<string, string>> | undefined; enable?: boolean | undefined;
  }): Promise<OfferingRow> {
    if (p.trafficType.toLowerCase() !== 'guest') throw paramError(`Invalid value for traffictype. Supported traffic types: Guest`);
    const guestType = p.guestType.toLowerCase() === 'isolated' ? 'Isolated' : p.guestType.toLowerCase() === 'shared' ? 'Shared' : undefined;
    if (!guestType) throw paramError(`Invalid "type" parameter is given; can have Shared and Isolated values`);
    const availability = p.availability ?? 'Optional';
    if (!['Required', 'Optional'].includes(availability)) throw paramError(`Invalid value for Availability. Supported types: Required, Optional`);
    const providerOf = new Map<string, string>();
    for (const m of p.providers ?? []) {
      const svc = m['service'] && norm(m['service']);
      if (!svc) throw paramError(`Invalid service ${m['service'] ?? ''}`);
      if (m['provider']) providerOf.set(svc, m['provider']);
    }
    const services = new Set<string>();
    for (const s of p.services ?? []) {
      const svc = norm(s.trim());
      if (!svc) throw paramError(`Invalid service ${s}`);
      services.add(svc);
    }
    for (const s of providerOf.keys()) if (!services.has(s)) throw paramError(`Cannot specify provider for service ${s}: the service is not in supportedservices`);
    if (guestType === 'Shared' && services.has('SourceNat')) throw paramError('SourceNat service is not supported by Shared network offerings');
    if (services.has('SecurityGroup') && guestType === 'Isolated') throw paramError('SecurityGroup service can only be enabled for Shared network offerings');
    const uuid = randomUUID();
    const name = p.name.trim();
    await this.db.kysely.transaction().execute(async (trx) => {
      const dup = await trx.selectFrom('network_offerings').select('id').where('name', '=', name).where('removed', 'is', null).executeTakeFirst();
      if (dup) throw paramError(`Network offering with name ${name} already exists`);
      const id = await insertId(trx, this.db.dialect, 'network_offerings', {
        uuid, name, display_text: p.displayText ?? name, traffic_type: 'Guest', guest_type: guestType, availability,
        state: p.enable ? 'Enabled' : 'Disabled', is_default: 0, is_system: 0, specify_vlan: p.specifyVlan ? 1 : 0,
        specify_ip_ranges: (p.specifyIpRanges ?? guestType === 'Shared') ? 1 : 0, conserve_mode: p.conserveMode === false ? 0 : 1,
        egress_default_policy: p.egressDefaultPolicy === false ? 0 : 1, // CloudStack's API default: allow is_persistent: p.isPersistent ? 1 : 0, network_rate: p.networkRate ?? null,
        tags: p.tags ?? null, max_connections: p.maxConnections ?? null, sort_key: 0, created: Date.now(), removed: null,
      });
      if (services.size > 0) {
        await trx.insertInto('network_offering_services').values([...services].map((s) => ({ network_offering_id: id, service: s, provider: providerOf.get(s) ?? providerFor(s) }))).execute();
      }
    });
    const row = await this.db.kysely.selectFrom('network_offerings').select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow();
    return this.get(row.id);
  }

  async update(id: number, p: { name?: string | undefined; displayText?: string | undefined; availability?: string | undefined; state?: string | undefined; sortKey?: number | undefined; tags?: string | undefined; maxConnections?: number | undefined }): Promise<OfferingRow> {
    const o = await this.get(id);
    const set: Record<string, unknown> = {};
    if (p.name !== undefined) set['name'] = p.name;
    if (p.displayText !== undefined) set['display_text'] = p.displayText;
    if (p.availability !== undefined) {
      if (!['Required', 'Optional'].includes(p.availability)) throw paramError(`Invalid value for Availability. Supported types: Required, Optional`);
      if (p.availability === 'Required' && o.guest_type !== 'Isolated') throw paramError('Availability can be Required only for Isolated network offerings');
      set['availability'] = p.availability;
    }
    if (p.state !== undefined) {
      const st = p.state.toLowerCase() === 'enabled' ? 'Enabled' : p.state.toLowerCase() === 'disabled' ? 'Disabled' : undefined;
      if (!st) throw paramError(`Incorrect state value: ${p.state}`);
      set['state'] = st;
    }
    if (p.sortKey !== undefined) set['sort_key'] = p.sortKey;
    if (p.tags !== undefined) set['tags'] = p.tags || null;
    if (p.maxConnections !== undefined) set['max_connections'] = p.maxConnections;
    if (o.is_system && (set['name'] !== undefined || set['state'] !== undefined)) throw paramError(`Can't update system network offerings`);
    if (Object.keys(set).length > 0) await this.db.kysely.updateTable('network_offerings').set(set).where('id', '=', id).execute();
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    const o = await this.get(id);
    if (o.is_default || o.is_system) throw paramError(`Default network offering can't be deleted`);
    const used = await this.db.kysely.selectFrom('networks').select('id').where('network_offering_id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (used) throw paramError(`Can't delete network offering ${o.uuid} as its used by networks. To make the network offering unavaiable, disable it`);
    await this.db.kysely.updateTable('network_offerings').set({ removed: Date.now(), state: 'Disabled' }).where('id', '=', id).execute();
  }

  private async withServices(exec: Kysely<Database>, rows: Array<Selectable<NetworkOfferingsTable>>): Promise<OfferingRow[]> {
    if (rows.length === 0) return [];
    const svcs = await exec.selectFrom('network_offering_services').select(['network_offering_id', 'service', 'provider'])
      .where('network_offering_id', 'in', rows.map((r) => r.id)).orderBy('id').execute();
    const by = new Map<number, Array<{ service: string; provider: string }>>();
    for (const s of svcs) {
      const l = by.get(s.network_offering_id) ?? [];
      l.push({ service: s.service, provider: s.provider });
      by.set(s.network_offering_id, l);
    }
    return rows.map((r) => ({ ...r, services: by.get(r.id) ?? [] }));
  }
}
