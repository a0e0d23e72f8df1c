/** Clusters: hosts of one hypervisor type inside a pod. Deletable only without hosts or pools. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import { clusterQuery, type ClusterRow, type TableProbe } from './infra.queries.js';
import { oneOf } from './zone.service.js';

/** Hypervisors Nimbo can drive (KVM through the qemu driver, and the simulator). */
export const HYPERVISORS = ['KVM', 'Simulator'] as const;
const CLUSTER_TYPES = ['CloudManaged', 'ExternalManaged'] as const;
const MANAGED_STATES = ['Managed', 'Unmanaged', 'PrepareUnmanaged', 'PrepareUnmanagedError'] as const;
const STATES = ['Enabled', 'Disabled'] as const;
const ARCHS = ['x86_64', 'aarch64'] as const;

export function hypervisorOf(v: string): (typeof HYPERVISORS)[number] {
  const h = HYPERVISORS.find((x) => x.toLowerCase() === v.trim().toLowerCase());
  if (!h) throw paramError(`Hypervisor type ${v} is not supported; use one of ${HYPERVISORS.join(', ')}`);
  return h;
}

export interface ClusterFilter {
  id?: number | undefined;
  name?: string | undefined;
  podId?: number | undefined;
  zoneId?: number | undefined;
  hypervisor?: string | undefined;
  clusterType?: string | undefined;
  allocationState?: string | undefined;
  managedState?: string | undefined;
  keyword?: string | undefined;
}

export class ClusterService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly probe: TableProbe,
  ) {}

  async get(id: number): Promise<ClusterRow> {
    const c = await clusterQuery(this.db.kysely).where('c.id', '=', id).executeTakeFirst();
    if (!c) throw paramError(`Unable to find cluster`);
    return c;
  }

  /** CloudStack has no cluster event types, so none is written (same for update/delete). */
  /**
   * Hypervisor types a zone can run (CloudStack's listHypervisors): those of its clusters, or
   * every supported type when no zone is given.
   */
  async hypervisors(zoneId: number | undefined): Promise<string[]> {
    if (zoneId === undefined) return [...HYPERVISORS];
    const rows = await this.db.kysely.selectFrom('clusters').select('hypervisor_type').distinct().where('zone_id', '=', zoneId).where('removed', 'is', null).orderBy('hypervisor_type').execute();
    return rows.map((r) => r.hypervisor_type);
  }

  async create(_caller: Caller, p: { name: string; zoneId: number; podId: number; hypervisor: string; clusterType: string; allocationState?: string | undefined; arch?: string | undefined; url?: string | undefined }): Promise<ClusterRow> {
    const hypervisor = hypervisorOf(p.hypervisor);
    const clusterType = oneOf('cluster type', p.clusterType, CLUSTER_TYPES);
    const allocationState = p.allocationState ? oneOf('allocation state', p.allocationState, STATES) : 'Enabled';
    const arch = p.arch ? oneOf('arch', p.arch, ARCHS) : 'x86_64';
    const pod = await this.db.kysely.selectFrom('pods').select(['id', 'zone_id', 'name']).where('id', '=', p.podId).where('removed', 'is', null).executeTakeFirst();
    if (!pod) throw paramError(`Unable to find pod`);
    if (pod.zone_id !== p.zoneId) throw paramError(`Pod ${pod.name} does not belong to the given zone`);
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const dup = await trx.selectFrom('clusters').select('id').where('pod_id', '=', p.podId).where('name', '=', p.name).where('removed', 'is', null).executeTakeFirst();
      if (dup) throw paramError(`A cluster with name ${p.name} already exists in pod ${pod.name}`);
      const newId = await insertId(trx, this.db.dialect, 'clusters', {
        uuid, name: p.name, pod_id: p.podId, zone_id: p.zoneId, hypervisor_type: hypervisor, cluster_type: clusterType,
        allocation_state: allocationState, managed_state: 'Managed', arch, url: p.url ?? null, created: Date.now(), removed: null,
      });
      return newId;
    });
    return this.get(id);
  }

  async update(_caller: Caller, id: number, p: { name?: string | undefined; hypervisor?: string | undefined; clusterType?: string | undefined; allocationState?: string | undefined; managedState?: string | undefined; arch?: string | undefined }): Promise<ClusterRow> {
    const c = await this.get(id);
    const set: Record<string, unknown> = {};
    if (p.hypervisor !== undefined && hypervisorOf(p.hypervisor) !== c.hypervisor_type) throw paramError(`The hypervisor type of cluster ${c.name} cannot be changed`);
    if (p.clusterType !== undefined) set['cluster_type'] = oneOf('cluster type', p.clusterType, CLUSTER_TYPES);
    if (p.allocationState !== undefined) set['allocation_state'] = oneOf('allocation state', p.allocationState, STATES);
    if (p.managedState !== undefined) set['managed_state'] = oneOf('managed state', p.managedState, MANAGED_STATES);
    if (p.arch !== undefined) set['arch'] = oneOf('arch', p.arch, ARCHS);
    if (p.name !== undefined && p.name !== c.name) {
      const dup = await this.db.kysely.selectFrom('clusters').select('id').where('pod_id', '=', c.pod_id).where('name', '=', p.name).where('removed', 'is', null).executeTakeFirst();
      if (dup) throw paramError(`A cluster with name ${p.name} already exists in pod ${c.pod_name}`);
      set['name'] = p.name;
    }
    if (Object.keys(set).length) await this.db.kysely.updateTable('clusters').set(set).where('id', '=', id).execute();
    return this.get(id);
  }

  async delete(_caller: Caller, id: number): Promise<void> {
    const c = await this.get(id);
    if (await this.probe.count('hosts', { cluster_id: id })) throw new CloudError('ResourceInUse', `Cluster ${c.name} cannot be deleted: it still has hosts`);
    const pool = await this.db.kysely.selectFrom('storage_pools').select('id').where('cluster_id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (pool) throw new CloudError('ResourceInUse', `Cluster ${c.name} cannot be deleted: it still has storage pools`);
    await this.db.kysely.updateTable('clusters').set({ removed: Date.now() }).where('id', '=', id).execute();
  }

  async list(f: ClusterFilter, page: Page): Promise<{ rows: ClusterRow[]; count: number }> {
    let q = clusterQuery(this.db.kysely);
    if (f.id !== undefined) q = q.where('c.id', '=', f.id);
    if (f.name !== undefined) q = q.where('c.name', '=', f.name);
    if (f.podId !== undefined) q = q.where('c.pod_id', '=', f.podId);
    if (f.zoneId !== undefined) q = q.where('c.zone_id', '=', f.zoneId);
    if (f.hypervisor !== undefined) q = q.where('c.hypervisor_type', '=', hypervisorOf(f.hypervisor));
    if (f.clusterType !== undefined) q = q.where('c.cluster_type', '=', f.clusterType);
    if (f.allocationState !== undefined) q = q.where('c.allocation_state', '=', f.allocationState);
    if (f.managedState !== undefined) q = q.where('c.managed_state', '=', f.managedState);
    if (f.keyword) q = q.where('c.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('c.id'));
  }
}
