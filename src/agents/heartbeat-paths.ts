/**
 * The shared primary storage directories a host writes its heartbeat to and its peers read
 * it from (src/agent/heartbeat.ts): the zone's and its cluster's pools mounted at the same
 * path on every host (Filesystem / SharedMountPoint). Host-local pools are not shared.
 */
import type { Db } from '../db/dialect.js';

export async function heartbeatPaths(db: Db, hostId: number): Promise<string[]> {
  const h = await db.kysely.selectFrom('hosts').select(['zone_id', 'cluster_id']).where('id', '=', hostId).executeTakeFirst();
  if (!h) return [];
  const pools = await db.kysely.selectFrom('storage_pools').select('path').where('removed', 'is', null).where('zone_id', '=', h.zone_id)
    .where('pool_type', 'in', ['Filesystem', 'SharedMountPoint'])
    .where((eb) => eb.or([eb('scope', '=', 'ZONE'), eb.and([eb('scope', '=', 'CLUSTER'), eb('cluster_id', '=', h.cluster_id)])]))
    .orderBy('id').execute();
  return pools.map((p) => p.path).filter((p) => p.startsWith('/'));
}
