/**
 * CloudStack's capacity figures (Capacity.java types) computed from the live tables with a
 * handful of grouped queries, whatever the number of hosts: host CPU/memory per cluster
 * (when the hosts table exists), pools, image stores, public/private addresses and VLANs.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../db/dialect.js';
import type { ConfigService } from '../config/config.service.js';
import type { TableProbe } from './infra.queries.js';
import { factorOverrides } from '../../allocation/snapshot.js';

export const CAPACITY_TYPES = {
  0: 'MEMORY', 1: 'CPU', 2: 'STORAGE', 3: 'STORAGE_ALLOCATED', 4: 'VIRTUAL_NETWORK_PUBLIC_IP', 5: 'PRIVATE_IP',
  6: 'SECONDARY_STORAGE', 7: 'VLAN', 8: 'DIRECT_ATTACHED_PUBLIC_IP', 9: 'LOCAL_STORAGE',
} as const;
export type CapacityType = keyof typeof CAPACITY_TYPES;
const ZONE_TYPES: CapacityType[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const POD_TYPES: CapacityType[] = [0, 1, 2, 3, 5, 9];
const CLUSTER_TYPES: CapacityType[] = [0, 1, 2, 3, 9];

export interface CapacityItem {
  type: CapacityType;
  zoneId: number;
  podId: number | null;
  clusterId: number | null;
  used: number;
  total: number;
}

export interface CapacityFilter {
  zoneId?: number | undefined;
  podId?: number | undefined;
  clusterId?: number | undefined;
  type?: number | undefined;
}

type Level = 'zone' | 'pod' | 'cluster';
interface Loc { zone_id: number; pod_id: number | null; cluster_id: number | null }

/** CloudStack's percentused: used/total×100 with two decimals, "0" when there is no total. */
export function percent(used: number, total: number): string {
  return total > 0 ? ((used / total) * 100).toFixed(2) : '0';
}

export class CapacityService {
  constructor(
    private readonly db: Db,
    private readonly config: ConfigService,
    private readonly probe: TableProbe,
  ) {}

  /** uuid and name of every live zone, pod and cluster (for capacity entries on the wire). */
  async names(): Promise<{ zones: Map<number, { uuid: string; name: string }>; pods: Map<number, { uuid: string; name: string }>; clusters: Map<number, { uuid: string; name: string }> }> {
    const k = this.db.kysely;
    const m = (rows: Array<{ id: number; uuid: string; name: string }>) => new Map(rows.map((r) => [r.id, { uuid: r.uuid, name: r.name }]));
    return {
      zones: m(await k.selectFrom('zones').select(['id', 'uuid', 'name']).where('removed', 'is', null).execute()),
      pods: m(await k.selectFrom('pods').select(['id', 'uuid', 'name']).where('removed', 'is', null).execute()),
      clusters: m(await k.selectFrom('clusters').select(['id', 'uuid', 'name']).where('removed', 'is', null).execute()),
    };
  }

  /** Capacities at the narrowest level named (cluster, else pod, else zone), one item per place and type. */
  async compute(f: CapacityFilter): Promise<CapacityItem[]> {
    const level: Level = f.clusterId !== undefined ? 'cluster' : f.podId !== undefined ? 'pod' : 'zone';
    const types = (level === 'zone' ? ZONE_TYPES : level === 'pod' ? POD_TYPES : CLUSTER_TYPES).filter((t) => f.type === undefined || t === f.type);
    const places = await this.places(level, f);
    const acc = new Map<string, CapacityItem>();
    for (const p of places) for (const t of types) acc.set(`${t}:${keyOf(level, p)}`, { type: t, zoneId: p.zone_id, podId: level === 'zone' ? null : p.pod_id, clusterId: level === 'cluster' ? p.cluster_id : null, used: 0, total: 0 });
    const add = (t: CapacityType, loc: Loc, used: number, total: number) => {
      const it = acc.get(`${t}:${keyOf(level, loc)}`);
      if (it) { it.used += used; it.total += total; }
    };
    const want = new Set(types);
    if (want.has(0) || want.has(1)) await this.hostCapacity(add);
    if (want.has(2) || want.has(3) || want.has(9)) await this.poolCapacity(add);
    if (level === 'zone') await this.zoneOnly(want, add);
    if (want.has(5)) {
      const rows = await this.db.kysely.selectFrom('op_dc_ip_address_alloc').select((eb) => ['zone_id', 'pod_id', eb.fn.countAll<number>().as('total'), eb.fn.count<number>('taken').as('used')]).groupBy(['zone_id', 'pod_id']).execute();
      for (const r of rows) add(5, { zone_id: r.zone_id, pod_id: r.pod_id, cluster_id: null }, Number(r.used), Number(r.total));
    }
    return [...acc.values()];
  }

  private async places(level: Level, f: CapacityFilter): Promise<Loc[]> {
    const k = this.db.kysely;
    if (level === 'cluster') {
      return k.selectFrom('clusters').select(['zone_id', 'pod_id', 'id as cluster_id']).where('removed', 'is', null).where('id', '=', f.clusterId!).execute();
    }
    if (level === 'pod') {
      return k.selectFrom('pods').select(['zone_id', 'id as pod_id', sql<null>`null`.as('cluster_id')]).where('removed', 'is', null).where('id', '=', f.podId!).execute();
    }
    let q = k.selectFrom('zones').select(['id as zone_id', sql<null>`null`.as('pod_id'), sql<null>`null`.as('cluster_id')]).where('removed', 'is', null);
    if (f.zoneId !== undefined) q = q.where('id', '=', f.zoneId);
    return q.orderBy('id').execute();
  }

  /** Per-cluster overrides of a factor, falling back to the global value. */
  private async factors(name: string): Promise<{ global: number; byCluster: Map<number, number> }> {
    const global = await this.config.getNumber(name);
    const rows = await this.db.kysely.selectFrom('config_overrides').select(['scope_id', 'value']).where('scope', '=', 'Cluster').where('name', '=', name).execute();
    return { global: Number.isFinite(global) && global > 0 ? global : 1, byCluster: new Map(rows.filter((r) => Number(r.value) > 0).map((r) => [r.scope_id, Number(r.value)])) };
  }

  private async hostCapacity(add: (t: CapacityType, loc: Loc, used: number, total: number) => void): Promise<void> {
    const cols = await this.probe.columns('hosts');
    if (!cols || !cols.has('cluster_id')) return;
    const zoneCol = cols.has('zone_id') ? 'zone_id' : cols.has('data_center_id') ? 'data_center_id' : undefined;
    if (!zoneCol) return;
    const num = (c: string) => (cols.has(c) ? sql.ref(c) : sql`0`);
    const cpuTotal = cols.has('cpus') && cols.has('cpu_speed') ? sql`cpus * cpu_speed` : sql`0`;
    const k = this.db.kysely as unknown as Kysely<any>;
    let q = k.selectFrom('hosts').select([
      sql.ref(zoneCol).as('zone_id'), 'pod_id', 'cluster_id',
      sql<number>`sum(${cpuTotal})`.as('cpu_total'), sql<number>`sum(${num('cpu_allocated')})`.as('cpu_used'),
      sql<number>`sum(${num('total_memory')})`.as('mem_total'), sql<number>`sum(${num('memory_allocated')})`.as('mem_used'),
    ]);
    if (cols.has('removed')) q = q.where('removed', 'is', null);
    if (cols.has('type')) q = q.where('type', '=', 'Routing');
    const rows = await q.groupBy([zoneCol, 'pod_id', 'cluster_id']).execute();
    const cpuF = await this.factors('cpu.overprovisioning.factor');
    const memF = await this.factors('mem.overprovisioning.factor');
    for (const r of rows) {
      const loc: Loc = { zone_id: Number(r.zone_id), pod_id: r.pod_id === null ? null : Number(r.pod_id), cluster_id: r.cluster_id === null ? null : Number(r.cluster_id) };
      const cf = loc.cluster_id !== null ? cpuF.byCluster.get(loc.cluster_id) ?? cpuF.global : cpuF.global;
      const mf = loc.cluster_id !== null ? memF.byCluster.get(loc.cluster_id) ?? memF.global : memF.global;
      add(1, loc, Number(r.cpu_used ?? 0), Math.round(Number(r.cpu_total ?? 0) * cf));
      add(0, loc, Number(r.mem_used ?? 0), Math.round(Number(r.mem_total ?? 0) * mf));
    }
  }

  private async poolCapacity(add: (t: CapacityType, loc: Loc, used: number, total: number) => void): Promise<void> {
    const rows = await this.db.kysely
      .selectFrom('storage_pools')
      .select(['id', 'zone_id', 'pod_id', 'cluster_id', 'scope', 'pool_type', 'capacity_bytes as total', 'used_bytes as used', 'allocated_bytes as allocated'])
      .where('removed', 'is', null)
      .execute();
    const f = await this.config.getNumber('storage.overprovisioning.factor');
    const global = Number.isFinite(f) && f > 0 ? f : 1;
    // storage.overprovisioning.factor may be set per pool (updateConfiguration storageid=).
    const { storageByPool } = await factorOverrides(this.db.kysely);
    for (const r of rows) {
      const loc: Loc = { zone_id: r.zone_id, pod_id: r.pod_id, cluster_id: r.cluster_id };
      if (r.scope === 'HOST') {
        add(9, loc, Number(r.used), Number(r.total));
        continue;
      }
      add(2, loc, Number(r.used), Number(r.total));
      // CloudStack over-provisions only NFS pools.
      add(3, loc, Number(r.allocated), Math.round(Number(r.total) * (r.pool_type === 'NetworkFilesystem' ? storageByPool.get(r.id) ?? global : 1)));
    }
  }

  private async zoneOnly(want: Set<CapacityType>, add: (t: CapacityType, loc: Loc, used: number, total: number) => void): Promise<void> {
    const k = this.db.kysely;
    const zl = (zone_id: number): Loc => ({ zone_id, pod_id: null, cluster_id: null });
    if (want.has(6)) {
      // Used secondary storage is what Nimbo keeps there (template and ISO copies), so it
      // moves with every download and deletion rather than with other files on the disk.
      const rows = await k.selectFrom('image_stores').select((eb) => ['zone_id', eb.fn.sum<number>('capacity_bytes').as('total')]).where('removed', 'is', null).groupBy('zone_id').execute();
      const used = new Map<number, number>();
      if (await this.probe.has('template_store_refs', 'zone_id', 'physical_size', 'removed')) {
        const refs = await (k as any)
          .selectFrom('template_store_refs')
          .select((eb: any) => ['zone_id', eb.fn.sum('physical_size').as('used')])
          .where('removed', 'is', null)
          .groupBy('zone_id')
          .execute();
        for (const r of refs as Array<{ zone_id: number; used: number | null }>) used.set(Number(r.zone_id), Number(r.used ?? 0));
      }
      for (const r of rows) if (r.zone_id !== null) add(6, zl(r.zone_id), used.get(r.zone_id) ?? 0, Number(r.total ?? 0));
    }
    if (want.has(4) || want.has(8)) {
      const rows = await k
        .selectFrom('user_ip_addresses as u')
        .innerJoin('vlans as v', 'v.id', 'u.vlan_id')
        .select((eb) => ['u.zone_id', 'v.vlan_type', eb.fn.countAll<number>().as('total'), eb.fn.sum<number>(sql`case when u.state = 'Free' then 0 else 1 end`).as('used')])
        .where('v.removed', 'is', null)
        .groupBy(['u.zone_id', 'v.vlan_type'])
        .execute();
      for (const r of rows) add(r.vlan_type === 'VirtualNetwork' ? 4 : 8, zl(r.zone_id), Number(r.used ?? 0), Number(r.total));
    }
    if (want.has(7)) {
      const rows = await k.selectFrom('op_dc_vnet_alloc').select((eb) => ['zone_id', eb.fn.countAll<number>().as('total'), eb.fn.count<number>('taken').as('used')]).groupBy('zone_id').execute();
      for (const r of rows) add(7, zl(r.zone_id), Number(r.used), Number(r.total));
    }
  }
}

function keyOf(level: Level, l: Loc): string {
  return level === 'zone' ? `${l.zone_id}` : level === 'pod' ? `${l.zone_id}:${l.pod_id}` : `${l.zone_id}:${l.pod_id}:${l.cluster_id}`;
}
