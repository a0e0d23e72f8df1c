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
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.js';
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

/** Above this many stale rows one zone-wide read is cheaper than a list of ids. */
const BY_ID_MAX = 200;

export class HostRows {
  private readonly zones = new Map<number, Map<number, Entry>>();

  constructor(private readonly k: Kysely<Database>) {}

  async read(zoneId: number, f: ClusterFactors): Promise<HostInfo[]> {
    const [caps, clusters, pods] = await Promise.all([
      this.k.selectFrom('hosts').select(['id', 'update_count', 'cpu_allocated', 'memory_allocated'])
        .where('zone_id', '=', zoneId).where('removed', 'is', null).execute(),
      this.k.selectFrom('clusters').select(['id', 'allocation_state']).where('zone_id', '=', zoneId).execute(),
      this.k.selectFrom('pods').select(['id', 'allocation_state']).where('zone_id', '=', zoneId).execute(),
    ]);
    let cache = this.zones.get(zoneId);
    if (!cache) this.zones.set(zoneId, (cache = new Map()));
    const stale = caps.filter((c) => cache.get(c.id)?.version !== Number(c.update_count)).map((c) => c.id);
    if (stale.length > 0) await this.refresh(zoneId, cache, stale);
    const clusterOn = new Map(clusters.map((c) => [c.id, c.allocation_state === 'Enabled']));
    const podOn = new Map(pods.map((p) => [p.id, p.allocation_state === 'Enabled']));
    const live = new Set<number>();
    const out: HostInfo[] = [];
    for (const c of caps) {
      live.add(c.id);
      const e = cache.get(c.id);
      const clusterEnabled = clusterOn.get(e?.info.clusterId ?? -1);
      const podEnabled = podOn.get(e?.info.podId ?? -1);
      // Hosts of a cluster or pod row that is gone are not offered (the full read joined them).
      if (!e || clusterEnabled === undefined || podEnabled === undefined) continue;
      const now = {
        cpuAllocated: Number(c.cpu_allocated), memoryAllocated: Number(c.memory_allocated), clusterEnabled, podEnabled,
        cpuFactor: f.cpuByCluster.get(e.info.clusterId) ?? null, memFactor: f.memByCluster.get(e.info.clusterId) ?? null,
      };
      const i = e.info;
      if (i.cpuAllocated !== now.cpuAllocated || i.memoryAllocated !== now.memoryAllocated || i.clusterEnabled !== clusterEnabled
        || i.podEnabled !== podEnabled || i.cpuFactor !== now.cpuFactor || i.memFactor !== now.memFactor) e.info = { ...i, ...now };
      out.push(e.info);
    }
    // Removed hosts (or moved to another zone) leave the cache with the read that no longer lists them.
    for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
    return out;
  }

  /** Reads the static columns of stale rows (with the update_count they were read at). */
  private async refresh(zoneId: number, cache: Map<number, Entry>, ids: number[]): Promise<void> {
    let q = this.k.selectFrom('hosts')
      .select(['id', 'name', 'zone_id', 'pod_id', 'cluster_id', 'status', 'resource_state', 'hypervisor_type', 'cpus', 'cpu_speed', 'total_memory',
        'host_tags', 'os_category_id', 'update_count'])
      .where('zone_id', '=', zoneId).where('removed', 'is', null);
    if (ids.length <= BY_ID_MAX) q = q.where('id', 'in', ids);
    for (const h of await q.execute()) {
      const info: HostInfo = {
        id: h.id, name: h.name, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id, status: h.status,
        resourceState: h.resource_state, hypervisor: h.hypervisor_type, cpus: Number(h.cpus), cpuSpeed: Number(h.cpu_speed),
        totalMemory: Number(h.total_memory), tags: splitTags(h.host_tags), osCategoryId: h.os_category_id,
        // Filled in by read() from the same read as the capacity.
        cpuAllocated: NaN, memoryAllocated: NaN, clusterEnabled: false, podEnabled: false, cpuFactor: null, memFactor: null,
      };
      cache.set(h.id, { version: Number(h.update_count), info });
    }
  }
}
