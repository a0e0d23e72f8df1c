/**
 * The shared primary storage directories a host writes its heartbeat to and its peers read
 * it from (src/agent/heartbeat.ts): the zone's and its cluster's pools mounted at the same
 * path on every host (Filesystem / SharedMountPoint). Host-local pools are not shared.
 */
import type { Db } from '../db/dialect.js';
import type { PrimaryPoolRef } from '../protocol/messages.js';

const DIRECTORY_POOLS = ['Filesystem', 'SharedMountPoint'];

export async function heartbeatPaths(db: Db, hostId: number): Promise<string[]> {
  return (await directoryPools(db, hostId, false)).map((p) => p.path);
}

/**
 * For a connecting host: its heartbeat paths, and every directory-backed primary pool it uses
 * (zone-wide, its cluster's and its own local ones), whose reachability it reports in each
 * ping (src/agent/pool-health.ts).
 */
export async function hostPools(db: Db, hostId: number): Promise<{ heartbeat: string[]; pools: PrimaryPoolRef[] }> {
  const all = await directoryPools(db, hostId, true);
  return { heartbeat: all.filter((p) => p.scope !== 'HOST').map((p) => p.path), pools: all.map((p) => ({ uuid: p.uuid, path: p.path })) };
}

async function directoryPools(db: Db, hostId: number, local: boolean): Promise<Array<PrimaryPoolRef & { scope: string }>> {
  const h = await db.kysely.selectFrom('hosts').select(['zone_id', 'cluster_id']).where('id', '=', hostId).executeTakeFirst();
  if (!h) return [];
  const pools = await db.kysely.selectFrom('storage_pools').select(['uuid', 'path', 'scope']).where('removed', 'is', null).where('zone_id', '=', h.zone_id)
    .where('pool_type', 'in', DIRECTORY_POOLS)
    .where((eb) => eb.or([
      eb('scope', '=', 'ZONE'), eb.and([eb('scope', '=', 'CLUSTER'), eb('cluster_id', '=', h.cluster_id)]),
      ...(local ? [eb.and([eb('scope', '=', 'HOST'), eb('host_id', '=', hostId)])] : []),
    ]))
    .orderBy('id').execute();
  return pools.filter((p) => p.path.startsWith('/'));
}
