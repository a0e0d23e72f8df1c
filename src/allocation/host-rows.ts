/**
 * The zone's hosts as the planner sees them, with the parts that rarely change kept between
 * placements. Reading 1,000 full host rows was the largest single cost of a deploy (issue #5
 * bench); each read now asks the database only for every host's id, `update_count` and
 * allocated CPU and memory, and reads in full just the rows whose `update_count` moved or
 * that are new. Every write of a host column the planner reads bumps `update_count` (status
 * and resource-state transitions, updateHost, an agent reporting its hardware, HA's fencing
 * lock); allocated CPU and memory are read on every placement. So a snapshot is exactly as
 * fresh as a full read, also when other servers of a farm write the rows, and reservations
 * still re-check capacity in their own transaction (reserve.ts).
 *
 * On SQLite even that zone-wide read of capacity (a quarter of the database time of a deploy
 * onto 1,000 hosts) is skipped: the connection reports which host rows were written since the
 * last read (db/row-changes.ts), and just those are read, in full. Another process writing the
 * file makes the next read a full one; so does a read asked for while a transaction holds the
 * connection, which takes the path above instead.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.js';
import { QueryTemplate } from '../db/prepared.js';
import { rowChangeFeed, type ReadNow, type RowChangeFeed } from '../db/row-changes.js';
import { splitTags } from '../services/vms/contract.js';
import type { HostInfo } from './types.js';

/** Cluster-scoped factor overrides, as snapshot.ts reads them. */
export interface ClusterFactors {
  cpuByCluster: ReadonlyMap<number, number>;
  memByCluster: ReadonlyMap<number, number>;
}

interface Entry {
  version: number;
  /** The last HostInfo handed out: reused while nothing in it changed (snapshots are read-only). */
  info: HostInfo;
}

interface Zone {
  entries: Map<number, Entry>;
  /** SQLite: the host rows written since the last read. */
  feed: RowChangeFeed | undefined;
}

/** Above this many stale rows one zone-wide read is cheaper than a list of ids. */
const BY_ID_MAX = 200;

const COLUMNS = ['id', 'name', 'zone_id', 'pod_id', 'cluster_id', 'status', 'resource_state', 'hypervisor_type', 'cpus', 'cpu_speed', 'total_memory',
  'host_tags', 'os_category_id', 'update_count', 'cpu_allocated', 'memory_allocated', 'removed'] as const;

/** Full host rows: of the zone (shape 'zone') or by id (shape 'n', a power of two; the list is padded). */
const HOSTS = new QueryTemplate((k, $, shape) => {
  const q = k.selectFrom('hosts').select(COLUMNS);
  return shape === 'zone' ? q.where('zone_id', '=', $<number>('zone')).where('removed', 'is', null) : q.where('id', 'in', $.list<number>('ids', Number(shape)));
});

// Cluster and pod states, read afresh for every placement (the read cache sees another
// process's commit only from the next event-loop turn on).
const CLUSTERS = new QueryTemplate((k, $) => k.selectFrom('clusters').select(['id', 'allocation_state']).where('zone_id', '=', $<number>('zone')));
const PODS = new QueryTemplate((k, $) => k.selectFrom('pods').select(['id', 'allocation_state']).where('zone_id', '=', $<number>('zone')));

type HostRow = { [C in (typeof COLUMNS)[number]]: Database['hosts'][C] extends infer T ? (T extends { __select__: infer S } ? S : T) : never };

function toInfo(h: HostRow): HostInfo {
  return {
    id: h.id, name: h.name, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id, status: h.status,
    resourceState: h.resource_state, hypervisor: h.hypervisor_type, cpus: Number(h.cpus), cpuSpeed: Number(h.cpu_speed),
    totalMemory: Number(h.total_memory), tags: splitTags(h.host_tags), osCategoryId: h.os_category_id,
    cpuAllocated: Number(h.cpu_allocated), memoryAllocated: Number(h.memory_allocated),
    // Filled in by read() from the cluster and pod rows and the factors.
    clusterEnabled: false, podEnabled: false, cpuFactor: null, memFactor: null,
  };
}

export class HostRows {
  private readonly zones = new Map<number, Zone>();

  constructor(private readonly k: Kysely<Database>) {}

  async read(zoneId: number, f: ClusterFactors): Promise<HostInfo[]> {
    let zone = this.zones.get(zoneId);
    if (!zone) this.zones.set(zoneId, (zone = { entries: new Map(), feed: rowChangeFeed(this.k, 'hosts') }));
    const z = zone;
    const [clusters, pods] = await Promise.all([CLUSTERS.execute(this.k, '', { zone: zoneId }), PODS.execute(this.k, '', { zone: zoneId })]);
    const fed = z.feed?.take((changed, query) => this.apply(zoneId, z.entries, changed, query));
    if (fed === undefined) await this.readCapacity(zoneId, z.entries);
    const clusterOn = new Map(clusters.map((c) => [c.id, c.allocation_state === 'Enabled']));
    const podOn = new Map(pods.map((p) => [p.id, p.allocation_state === 'Enabled']));
    const out: HostInfo[] = [];
    for (const e of z.entries.values()) {
      const i = e.info;
      const clusterEnabled = clusterOn.get(i.clusterId);
      const podEnabled = podOn.get(i.podId);
      // Hosts of a cluster or pod row that is gone are not offered (the full read joined them).
      if (clusterEnabled === undefined || podEnabled === undefined) continue;
      const cpuFactor = f.cpuByCluster.get(i.clusterId) ?? null;
      const memFactor = f.memByCluster.get(i.clusterId) ?? null;
      if (i.clusterEnabled !== clusterEnabled || i.podEnabled !== podEnabled || i.cpuFactor !== cpuFactor || i.memFactor !== memFactor) {
        e.info = { ...i, clusterEnabled, podEnabled, cpuFactor, memFactor };
      }
      out.push(e.info);
    }
    return out;
  }

  /** SQLite, at once on the free connection: reads the rows written since the last read (all of them at first). */
  private apply(zoneId: number, entries: Map<number, Entry>, changed: ReadonlySet<number> | 'all', query: ReadNow): true {
    if (changed !== 'all' && changed.size === 0) return true;
    if (changed === 'all' || changed.size > BY_ID_MAX) {
      const q = HOSTS.compiled(this.k, 'zone', { zone: zoneId });
      const rows = query(q.sql, q.parameters) as HostRow[];
      const fresh = new Map<number, Entry>();
      for (const h of rows) fresh.set(h.id, this.entry(entries.get(h.id), h));
      entries.clear();
      for (const [id, e] of fresh) entries.set(id, e);
      return true;
    }
    const ids = [...changed];
    let n = 1;
    while (n < ids.length) n *= 2;
    while (ids.length < n) ids.push(ids[0]!);
    const q = HOSTS.compiled(this.k, String(n), { ids });
    const rows = new Map((query(q.sql, q.parameters) as HostRow[]).map((h) => [h.id, h]));
    for (const id of changed) {
      const h = rows.get(id);
      // Removed, deleted or moved to another zone: no longer this zone's.
      if (!h || h.removed !== null || h.zone_id !== zoneId) entries.delete(id);
      else entries.set(id, this.entry(entries.get(id), h));
    }
    return true;
  }

  private entry(old: Entry | undefined, h: HostRow): Entry {
    const info = toInfo(h);
    const i = old?.info;
    // Unchanged rows keep their HostInfo (the cluster and pod fields are settled by read()).
    if (i && old.version === Number(h.update_count) && i.cpuAllocated === info.cpuAllocated && i.memoryAllocated === info.memoryAllocated) return old;
    return { version: Number(h.update_count), info: i ? { ...info, clusterEnabled: i.clusterEnabled, podEnabled: i.podEnabled, cpuFactor: i.cpuFactor, memFactor: i.memFactor } : info };
  }

  /**
   * Every database: every host's id, update_count and allocated capacity, then in full only
   * the rows whose update_count moved or that are new.
   */
  private async readCapacity(zoneId: number, entries: Map<number, Entry>): Promise<void> {
    const caps = await this.k.selectFrom('hosts').select(['id', 'update_count', 'cpu_allocated', 'memory_allocated'])
      .where('zone_id', '=', zoneId).where('removed', 'is', null).execute();
    const stale = caps.filter((c) => entries.get(c.id)?.version !== Number(c.update_count)).map((c) => c.id);
    if (stale.length > 0) await this.refresh(zoneId, entries, stale);
    const live = new Set<number>();
    for (const c of caps) {
      live.add(c.id);
      const e = entries.get(c.id);
      if (!e) continue;
      const cpuAllocated = Number(c.cpu_allocated);
      const memoryAllocated = Number(c.memory_allocated);
      if (e.info.cpuAllocated !== cpuAllocated || e.info.memoryAllocated !== memoryAllocated) e.info = { ...e.info, cpuAllocated, memoryAllocated };
    }
    // Removed hosts (or moved to another zone) leave the cache with the read that no longer lists them.
    for (const id of entries.keys()) if (!live.has(id)) entries.delete(id);
  }

  /** Reads the static columns of stale rows (with the update_count they were read at). */
  private async refresh(zoneId: number, entries: Map<number, Entry>, ids: number[]): Promise<void> {
    let q = this.k.selectFrom('hosts').select(COLUMNS).where('zone_id', '=', zoneId).where('removed', 'is', null);
    if (ids.length <= BY_ID_MAX) q = q.where('id', 'in', ids);
    for (const h of await q.execute()) entries.set(h.id, this.entry(entries.get(h.id), h as HostRow));
  }
}
