/** Reads the HostSnapshot the planner works on: once per placement (zone rows shared by concurrent placements), plain data afterwards. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.js';
import { QueryTemplate } from '../db/prepared.js';
import { splitTags, vmDb } from '../services/vms/contract.js';
import type { HostSnapshot } from './types.js';
import { SharedReads } from '../util/shared-reads.js';
import { HostRows } from './host-rows.js';
import { ALLOCATION_PLUGINS, STANDARD_FILTERS } from './plugins.js';

type ZoneRows = Pick<HostSnapshot, 'hosts' | 'pools'> & { storageByPool: Map<number, number> };

/** The zone's hosts and pools (with their per-cluster/pool factor overrides) as the planner reads them. */
async function loadZone(k: Kysely<Database>, rows: HostRows, zoneId: number): Promise<ZoneRows> {
  const [pools, overrides] = await Promise.all([
    POOLS.execute(k, '', { zone: zoneId }),
    factorOverrides(k),
  ]);
  const { storageByPool } = overrides;
  return {
    storageByPool,
    hosts: await rows.read(zoneId, overrides),
    pools: pools.map((p) => ({
      id: p.id, zoneId: p.zone_id, podId: p.pod_id, clusterId: p.cluster_id, scope: p.scope, hostId: p.host_id,
      tags: splitTags(p.tags), capacityBytes: Number(p.capacity_bytes), allocatedBytes: Number(p.allocated_bytes), status: p.status,
      storageFactor: storageByPool.get(p.id) ?? null,
    })),
  };
}

/**
 * Concurrent placements in one zone share one read of its hosts and pools, but never a read
 * that began before they asked (see SharedReads); host rows are re-read only where their
 * update_count moved (HostRows), so every snapshot is as fresh as a full read, also in a farm.
 * The rows are shared: the planner and its callers treat them as read-only.
 */
const zoneReads = new WeakMap<Kysely<Database>, SharedReads<number, ZoneRows>>();

function readZone(k: Kysely<Database>, zoneId: number): Promise<ZoneRows> {
  let r = zoneReads.get(k);
  if (!r) {
    const rows = new HostRows(k);
    zoneReads.set(k, (r = new SharedReads((zone) => loadZone(k, rows, zone))));
  }
  return r.read(zoneId);
}

/** Built-in plug-ins that never look at `accountVmsByHost`. */
const ACCOUNT_BLIND = new Set([...STANDARD_FILTERS, 'os-preference', 'random', 'firstfit', 'least-consumed', 'most-consumed']);

/** Whether a plan with this preset reads where the account's VMs are (userdispersing, userconcentratedpod, custom plug-ins). */
export function needsAccountVms(algorithm: string): boolean {
  const p = ALLOCATION_PLUGINS.presets[algorithm] ?? ALLOCATION_PLUGINS.presets['random']!;
  return [...p.filters, ...p.weighers].some((n) => !ACCOUNT_BLIND.has(n));
}

/**
 * The snapshot for one placement. With `algorithm`, the count of the account's VMs per host
 * is read only when that preset uses it (a grouped scan of the account's VMs on every deploy).
 */
export async function loadSnapshot(
  k: Kysely<Database>,
  zoneId: number,
  accountId: number,
  factors: HostSnapshot['factors'],
  algorithm?: string,
): Promise<HostSnapshot> {
  const counted = algorithm === undefined || needsAccountVms(algorithm);
  const [zone, mine] = await Promise.all([
    readZone(k, zoneId),
    !counted ? [] : vmDb(k).selectFrom('vm_instances')
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
const overrides = (k: Kysely<Database>) =>
  k.selectFrom('config_overrides').select(['scope', 'scope_id', 'name', 'value']).where('name', 'in', FACTOR_SETTINGS).where('scope', 'in', ['Cluster', 'StoragePool']);
// Every placement reads these (issue #5 bench): templates, read afresh (no read cache: it sees
// another process's commit only from the next event-loop turn on).
const OVERRIDES = new QueryTemplate((k) => overrides(k));
const POOLS = new QueryTemplate((k, $) => k.selectFrom('storage_pools')
  .select(['id', 'zone_id', 'pod_id', 'cluster_id', 'scope', 'host_id', 'tags', 'capacity_bytes', 'allocated_bytes', 'status'])
  .where('zone_id', '=', $<number>('zone'))
  .where('removed', 'is', null));

/**
 * The over-provisioning factors set per cluster (CPU, memory) and per primary storage pool
 * (storage) through updateConfiguration clusterid=/storageid=, as CloudStack scopes them.
 * A value that is not a positive number is ignored (the global one applies).
 */
export async function factorOverrides(k: Kysely<Database>, where?: { clusterId?: number }) {
  const rows = where?.clusterId !== undefined ? await overrides(k).where('scope', '=', 'Cluster').where('scope_id', '=', where.clusterId).execute()
    : await OVERRIDES.execute(k, '', {});
  const cpuByCluster = new Map<number, number>();
  const memByCluster = new Map<number, number>();
  const storageByPool = new Map<number, number>();
  for (const r of rows) {
    const v = Number(r.value);
    if (!(Number.isFinite(v) && v > 0)) continue;
    if (r.scope === 'Cluster' && r.name === FACTOR_SETTINGS[0]) cpuByCluster.set(Number(r.scope_id), v);
    else if (r.scope === 'Cluster' && r.name === FACTOR_SETTINGS[1]) memByCluster.set(Number(r.scope_id), v);
    else if (r.scope === 'StoragePool' && r.name === FACTOR_SETTINGS[2]) storageByPool.set(Number(r.scope_id), v);
  }
  return { cpuByCluster, memByCluster, storageByPool };
}
