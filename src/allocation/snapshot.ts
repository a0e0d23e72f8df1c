/** Reads the HostSnapshot the planner works on: once per placement (zone rows shared by concurrent placements), plain data afterwards. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.js';
import { splitTags, vmDb } from '../services/vms/contract.js';
import type { HostSnapshot } from './types.js';
import { SharedReads } from '../util/shared-reads.js';

type ZoneRows = Pick<HostSnapshot, 'hosts' | 'pools'> & { storageByPool: Map<number, number> };

/** The zone's hosts and pools (with their per-cluster/pool factor overrides) as the planner reads them. */
async function loadZone(k: Kysely<Database>, zoneId: number): Promise<ZoneRows> {
  const db = vmDb(k);
  const [hosts, pools, overrides] = await Promise.all([
    db.selectFrom('hosts')
      .innerJoin('clusters', 'clusters.id', 'hosts.cluster_id')
      .innerJoin('pods', 'pods.id', 'hosts.pod_id')
      .select([
        'hosts.id', 'hosts.name', 'hosts.zone_id', 'hosts.pod_id', 'hosts.cluster_id', 'hosts.status', 'hosts.resource_state',
        'hosts.hypervisor_type', 'hosts.cpus', 'hosts.cpu_speed', 'hosts.total_memory', 'hosts.cpu_allocated', 'hosts.memory_allocated',
        'hosts.host_tags', 'hosts.os_category_id', 'clusters.allocation_state as cluster_state', 'pods.allocation_state as pod_state',
      ])
      .where('hosts.zone_id', '=', zoneId)
      .where('hosts.removed', 'is', null)
      .execute(),
    db.selectFrom('storage_pools')
      .select(['id', 'zone_id', 'pod_id', 'cluster_id', 'scope', 'host_id', 'tags', 'capacity_bytes', 'allocated_bytes', 'status'])
      .where('zone_id', '=', zoneId)
      .where('removed', 'is', null)
      .execute(),
    factorOverrides(k),
  ]);
  const { cpuByCluster, memByCluster, storageByPool } = overrides;
  return {
    storageByPool,
    hosts: hosts.map((h) => ({
      id: h.id, name: h.name, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id, status: h.status,
      resourceState: h.resource_state, hypervisor: h.hypervisor_type, cpus: Number(h.cpus), cpuSpeed: Number(h.cpu_speed),
      totalMemory: Number(h.total_memory), cpuAllocated: Number(h.cpu_allocated), memoryAllocated: Number(h.memory_allocated),
      tags: splitTags(h.host_tags), osCategoryId: h.os_category_id, clusterEnabled: h.cluster_state === 'Enabled',
      podEnabled: h.pod_state === 'Enabled', cpuFactor: cpuByCluster.get(h.cluster_id) ?? null, memFactor: memByCluster.get(h.cluster_id) ?? null,
    })),
    pools: pools.map((p) => ({
      id: p.id, zoneId: p.zone_id, podId: p.pod_id, clusterId: p.cluster_id, scope: p.scope, hostId: p.host_id,
      tags: splitTags(p.tags), capacityBytes: Number(p.capacity_bytes), allocatedBytes: Number(p.allocated_bytes), status: p.status,
      storageFactor: storageByPool.get(p.id) ?? null,
    })),
  };
}

/**
 * Concurrent placements in one zone share one read of its hosts and pools (at 1,000 hosts
 * that read was the largest part of a deploy's database work: issue #5 bench), but never a
 * read that began before they asked (see SharedReads): no cache, safe with a server farm.
 * The rows are shared: the planner and its callers treat them as read-only.
 */
const zoneReads = new WeakMap<Kysely<Database>, SharedReads<number, ZoneRows>>();

function readZone(k: Kysely<Database>, zoneId: number): Promise<ZoneRows> {
  let r = zoneReads.get(k);
  if (!r) zoneReads.set(k, (r = new SharedReads((zone) => loadZone(k, zone))));
  return r.read(zoneId);
}

export async function loadSnapshot(
  k: Kysely<Database>,
  zoneId: number,
  accountId: number,
  factors: HostSnapshot['factors'],
): Promise<HostSnapshot> {
  const [zone, mine] = await Promise.all([
    readZone(k, zoneId),
    vmDb(k).selectFrom('vm_instances')
      .select(['host_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .where('host_id', 'is not', null)
      .where('removed', 'is', null)
      .groupBy('host_id')
      .execute(),
  ]);
  return {
    factors: { ...factors, storageByPool: zone.storageByPool },
    hosts: zone.hosts,
    pools: zone.pools,
    accountVmsByHost: new Map(mine.map((r) => [r.host_id!, Number(r.n)])),
  };
}

const FACTOR_SETTINGS = ['cpu.overprovisioning.factor', 'mem.overprovisioning.factor', 'storage.overprovisioning.factor'];

/**
 * The over-provisioning factors set per cluster (CPU, memory) and per primary storage pool
 * (storage) through updateConfiguration clusterid=/storageid=, as CloudStack scopes them.
 * A value that is not a positive number is ignored (the global one applies).
 */
export async function factorOverrides(k: Kysely<Database>, where?: { clusterId?: number }) {
  let q = k.selectFrom('config_overrides').select(['scope', 'scope_id', 'name', 'value']).where('name', 'in', FACTOR_SETTINGS).where('scope', 'in', ['Cluster', 'StoragePool']);
  if (where?.clusterId !== undefined) q = q.where('scope', '=', 'Cluster').where('scope_id', '=', where.clusterId);
  const cpuByCluster = new Map<number, number>();
  const memByCluster = new Map<number, number>();
  const storageByPool = new Map<number, number>();
  for (const r of await q.execute()) {
    const v = Number(r.value);
    if (!(Number.isFinite(v) && v > 0)) continue;
    if (r.scope === 'Cluster' && r.name === FACTOR_SETTINGS[0]) cpuByCluster.set(Number(r.scope_id), v);
    else if (r.scope === 'Cluster' && r.name === FACTOR_SETTINGS[1]) memByCluster.set(Number(r.scope_id), v);
    else if (r.scope === 'StoragePool' && r.name === FACTOR_SETTINGS[2]) storageByPool.set(Number(r.scope_id), v);
  }
  return { cpuByCluster, memByCluster, storageByPool };
}
