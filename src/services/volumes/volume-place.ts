/**
 * Where a data disk lives: at its first attach (or a migration) a primary pool reachable
 * from the VM's cluster — cluster pools of that cluster, zone-wide pools, the host's own
 * pool — that carries every storage tag of the disk offering and still has room
 * (capacity × storage.overprovisioning.factor). The room is reserved under row lock in the
 * transaction that points the volume at the pool.
 */
import type { Kysely, Transaction } from 'kysely';
import { CloudError } from '../../api/errors.js';
import { poolFits } from '../../allocation/capacity.js';
import { reservePool } from '../../allocation/reserve.js';
import type { Database } from '../../db/schema/index.js';
import type { Services } from '../index.js';
import { agentsOf } from '../vms/agent-port.js';
import { splitTags, vmDb } from '../vms/contract.js';

export interface Reach {
  zoneId: number;
  clusterId: number | null;
  hostId: number | null;
}

export interface PoolPick {
  id: number;
  uuid: string;
  name: string;
  path: string;
  scope: string;
  clusterId: number | null;
  hostId: number | null;
}

/** Pools in reach whose tags cover `tags`, with room for `bytes`, best first. */
export async function candidatePools(k: Kysely<Database>, services: Services, reach: Reach, tags: string[], bytes: number, avoid: Set<number> = new Set()): Promise<PoolPick[]> {
  const factor = await services.config.getNumber('storage.overprovisioning.factor');
  const rows = await k.selectFrom('storage_pools').selectAll().where('zone_id', '=', reach.zoneId).where('removed', 'is', null).where('status', '=', 'Up').execute();
  const ok = rows.filter((p) => !avoid.has(p.id)
    && (p.scope === 'ZONE' || (p.scope === 'CLUSTER' && reach.clusterId !== null && p.cluster_id === reach.clusterId) || (p.scope === 'HOST' && p.host_id !== null && p.host_id === reach.hostId))
    && tags.every((t) => splitTags(p.tags).includes(t))
    && poolFits({ capacityBytes: Number(p.capacity_bytes), allocatedBytes: Number(p.allocated_bytes) }, factor, bytes));
  const algorithm = (await services.config.get('volume.allocation.algorithm')) ?? 'random';
  const free = (p: (typeof rows)[number]) => Number(p.capacity_bytes) * factor - Number(p.allocated_bytes);
  // firstfit keeps pool order; the others try the pool with the most room first (the planner's choice for new disks).
  ok.sort(algorithm.startsWith('firstfit') || algorithm.endsWith('firstfit') ? (a, b) => a.id - b.id : (a, b) => free(b) - free(a) || a.id - b.id);
  return ok.map((p) => ({ id: p.id, uuid: p.uuid, name: p.name, path: p.path, scope: p.scope, clusterId: p.cluster_id, hostId: p.host_id }));
}

/**
 * Reserves room on the first candidate that still has it and runs `within` in that
 * transaction; a pool that lost a race is skipped. Throws 533 when none is left.
 */
export async function reserveOnPool(k: Kysely<Database>, services: Services, pools: PoolPick[], bytes: number, what: string,
  within: (trx: Transaction<Database>, pool: PoolPick) => Promise<void>): Promise<PoolPick> {
  const factor = await services.config.getNumber('storage.overprovisioning.factor');
  for (const p of pools) {
    const won = await k.transaction().execute(async (trx) => {
      if (!(await reservePool(trx, p.id, bytes, factor))) return false;
      await within(trx, p);
      return true;
    });
    if (won) return p;
  }
  throw new CloudError('InsufficientCapacity', `Unable to find a suitable primary storage pool for ${what}`, { scope: 'StoragePool' });
}

/** A connected host that reaches the pool (the VM's host first when it has one). */
export async function hostForPool(k: Kysely<Database>, services: Services, pool: PoolPick & { zoneId?: number }, prefer: (number | null)[]): Promise<number> {
  const agents = agentsOf(services) as { isConnected?(id: number): boolean } | undefined;
  const connected = (id: number) => agents?.isConnected?.(id) ?? true;
  let q = vmDb(k).selectFrom('hosts').select(['id', 'cluster_id']).where('removed', 'is', null).where('status', '=', 'Up');
  if (pool.scope === 'HOST' && pool.hostId !== null) q = q.where('id', '=', pool.hostId);
  else if (pool.clusterId !== null) q = q.where('cluster_id', '=', pool.clusterId);
  else {
    const zone = await k.selectFrom('storage_pools').select('zone_id').where('id', '=', pool.id).executeTakeFirstOrThrow();
    q = q.where('zone_id', '=', zone.zone_id);
  }
  const hosts = (await q.orderBy('id').execute()).map((h) => h.id);
  for (const p of prefer) if (p !== null && hosts.includes(p) && connected(p)) return p;
  const h = hosts.find(connected);
  if (h === undefined) throw new CloudError('ResourceUnavailable', `No connected host can reach storage pool ${pool.name}`);
  return h;
}
