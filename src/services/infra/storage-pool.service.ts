/** Primary storage pools: cluster- or zone-wide, NFS, local directories or recorded iSCSI/RBD URLs. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { Page } from '../paging.js';
import { normaliseTags, poolQuery, type PoolRow, type TableProbe } from './infra.queries.js';
import { ensureDirectory, fsUsage, parseStorageUrl } from './storage-url.js';
import { hypervisorOf } from './cluster.service.js';
import { oneOf } from './zone.service.js';

const SCOPES = ['CLUSTER', 'ZONE'] as const;
/** Volume states that no longer hold a pool (a forced delete ignores them). */
const GONE_VOLUME_STATES = ['Destroy', 'Expunging', 'Expunged'];

export interface PoolInput {
  name: string;
  url: string;
  zoneId: number;
  podId?: number | undefined;
  clusterId?: number | undefined;
  scope?: string | undefined;
  tags?: string | undefined;
  capacityBytes?: number | undefined;
  capacityIops?: number | undefined;
  hypervisor?: string | undefined;
  provider?: string | undefined;
  managed?: boolean | undefined;
}

export interface PoolFilter {
  id?: number | undefined;
  name?: string | undefined;
  zoneId?: number | undefined;
  podId?: number | undefined;
  clusterId?: number | undefined;
  scope?: string | undefined;
  status?: string | undefined;
  path?: string | undefined;
  ipAddress?: string | undefined;
  keyword?: string | undefined;
}

export class StoragePoolService {
  constructor(
    private readonly db: Db,
    private readonly probe: TableProbe,
  ) {}

  async get(id: number): Promise<PoolRow> {
    const p = await poolQuery(this.db.kysely).where('s.id', '=', id).executeTakeFirst();
    if (!p) throw paramError(`Unable to find storage pool`);
    return p;
  }

  /** Where the pool lives and for which hypervisor, checked against the zone/pod/cluster. */
  private async placement(p: PoolInput): Promise<{ scope: string; podId: number | null; clusterId: number | null; hypervisor: string }> {
    const scope = p.scope ? oneOf('scope', p.scope.toUpperCase(), SCOPES) : p.clusterId !== undefined ? 'CLUSTER' : 'ZONE';
    if (scope === 'ZONE') {
      if (!p.hypervisor) throw paramError('Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage.');
      return { scope, podId: null, clusterId: null, hypervisor: p.hypervisor.toLowerCase() === 'any' ? 'Any' : hypervisorOf(p.hypervisor) };
    }
    if (p.clusterId === undefined) throw paramError('clusterid is required for cluster-wide primary storage');
    if (p.podId === undefined) throw paramError('Cluster id requires pod id');
    const c = await this.db.kysely.selectFrom('clusters').select(['id', 'pod_id', 'zone_id', 'hypervisor_type', 'name']).where('id', '=', p.clusterId).where('removed', 'is', null).executeTakeFirst();
    if (!c) throw paramError(`Unable to find cluster`);
    if (c.pod_id !== p.podId || c.zone_id !== p.zoneId) throw paramError(`Cluster ${c.name} does not belong to the given pod and zone`);
    return { scope, podId: p.podId, clusterId: p.clusterId, hypervisor: c.hypervisor_type };
  }

  async create(_caller: Caller, p: PoolInput): Promise<PoolRow> {
    const zone = await this.db.kysely.selectFrom('zones').select(['id', 'name']).where('id', '=', p.zoneId).where('removed', 'is', null).executeTakeFirst();
    if (!zone) throw paramError(`Unable to find zone`);
    const where = await this.placement(p);
    const u = parseStorageUrl(p.url);
    if (p.capacityBytes !== undefined && p.capacityBytes < 0) throw paramError('capacitybytes must not be negative');
    const same = await this.db.kysely.selectFrom('storage_pools').select('name').where('zone_id', '=', p.zoneId).where('host_address', '=', u.host).where('path', '=', u.path).where('removed', 'is', null).executeTakeFirst();
    if (same) throw paramError(`The storage at ${p.url} is already added to zone ${zone.name} as pool ${same.name}`);
    let used = 0;
    let capacity = p.capacityBytes ?? 0;
    if (u.local) {
      ensureDirectory(u.path);
      const fs = await fsUsage(u.path);
      used = fs.used;
      if (p.capacityBytes === undefined) capacity = fs.total;
    }
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const newId = await insertId(trx, this.db.dialect, 'storage_pools', {
        uuid, name: p.name, zone_id: p.zoneId, pod_id: where.podId, cluster_id: where.clusterId, scope: where.scope, host_id: null,
        pool_type: u.poolType, url: p.url, host_address: u.host, path: u.path, provider: p.provider || 'DefaultPrimary',
        tags: normaliseTags(p.tags), capacity_bytes: capacity, used_bytes: used, allocated_bytes: 0, capacity_iops: p.capacityIops ?? null,
        status: 'Up', hypervisor: where.hypervisor, managed: p.managed ? 1 : 0, created: Date.now(), removed: null,
      });
      return newId;
    });
    return this.get(id);
  }

  async update(_caller: Caller, id: number, p: { name?: string | undefined; tags?: string[] | undefined; capacityBytes?: number | undefined; capacityIops?: number | undefined; enabled?: boolean | undefined }): Promise<PoolRow> {
    const pool = await this.get(id);
    const set: Record<string, unknown> = {};
    if (p.name !== undefined) set['name'] = p.name;
    if (p.tags !== undefined) set['tags'] = normaliseTags(p.tags);
    if (p.capacityBytes !== undefined) {
      if (p.capacityBytes < pool.allocated_bytes) throw paramError(`capacitybytes ${p.capacityBytes} is less than the ${pool.allocated_bytes} bytes already allocated on pool ${pool.name}`);
      set['capacity_bytes'] = p.capacityBytes;
    }
    if (p.capacityIops !== undefined) set['capacity_iops'] = p.capacityIops;
    if (p.enabled !== undefined) {
      if (p.enabled && pool.status === 'Disabled') set['status'] = 'Up';
      else if (!p.enabled && pool.status === 'Up') set['status'] = 'Disabled';
      else if (p.enabled !== (pool.status === 'Up')) throw new CloudError('InvalidState', `Storage pool ${pool.name} is in state ${pool.status}; only Up and Disabled pools can be enabled or disabled`);
    }
    if (Object.keys(set).length) await this.db.kysely.updateTable('storage_pools').set(set).where('id', '=', id).execute();
    return this.get(id);
  }

  async delete(_caller: Caller, id: number, forced: boolean): Promise<void> {
    const pool = await this.get(id);
    const vols = await this.probe.count('volumes', { pool_id: id }, (q) => (forced ? q.where('state', 'not in', GONE_VOLUME_STATES) : q));
    if (vols > 0) throw new CloudError('ResourceInUse', `Cannot delete pool ${pool.name} as there are associated ${forced ? 'non-destroyed ' : ''}volumes for this pool`);
    await this.db.kysely.updateTable('storage_pools').set({ removed: Date.now(), status: 'Removed' }).where('id', '=', id).execute();
  }

  async list(f: PoolFilter, page: Page): Promise<{ rows: PoolRow[]; count: number }> {
    let q = poolQuery(this.db.kysely);
    if (f.id !== undefined) q = q.where('s.id', '=', f.id);
    if (f.name !== undefined) q = q.where('s.name', '=', f.name);
    if (f.zoneId !== undefined) q = q.where('s.zone_id', '=', f.zoneId);
    if (f.podId !== undefined) q = q.where('s.pod_id', '=', f.podId);
    if (f.clusterId !== undefined) q = q.where('s.cluster_id', '=', f.clusterId);
    if (f.scope !== undefined) q = q.where('s.scope', '=', f.scope.toUpperCase());
    if (f.status !== undefined) q = q.where('s.status', '=', f.status);
    if (f.path !== undefined) q = q.where('s.path', '=', f.path);
    if (f.ipAddress !== undefined) q = q.where('s.host_address', '=', f.ipAddress);
    if (f.keyword) q = q.where('s.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('s.id'));
  }

  /** Adds `delta` bytes to a pool's allocation, in the caller's transaction (volume create/delete). */
  async adjustAllocated(trx: Kysely<Database>, poolId: number, delta: number): Promise<void> {
    await trx.updateTable('storage_pools').set((eb) => ({ allocated_bytes: eb('allocated_bytes', '+', delta) })).where('id', '=', poolId).execute();
  }
}
