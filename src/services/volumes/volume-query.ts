/** listVolumes: one joined query, scoped to the caller, with CloudStack's filters. */
import { likeInsensitive, likePattern, type Db } from '../../db/dialect.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';

export interface VolumeFilter {
  id?: number | undefined;
  ids?: number[] | undefined;
  name?: string | undefined;
  keyword?: string | undefined;
  type?: string | undefined;
  state?: string | undefined;
  virtualmachineid?: number | undefined;
  zoneid?: number | undefined;
  podid?: number | undefined;
  clusterid?: number | undefined;
  hostid?: number | undefined;
  storageid?: number | undefined;
  diskofferingid?: number | undefined;
  serviceofferingid?: number | undefined;
  /** System VMs' volumes (routers…) are listed only when asked for. */
  listsystemvms?: boolean | undefined;
}

export function volumeQuery(db: Db, includeRemoved = false) {
  const q = db.kysely
    .selectFrom('volumes as v')
    .innerJoin('accounts as a', 'a.id', 'v.account_id')
    .innerJoin('domains as d', 'd.id', 'v.domain_id')
    .innerJoin('zones as z', 'z.id', 'v.zone_id')
    .leftJoin('disk_offerings as o', 'o.id', 'v.disk_offering_id')
    .leftJoin('vm_instances as vm', 'vm.id', 'v.vm_id')
    .leftJoin('service_offerings as so', 'so.id', 'vm.service_offering_id')
    .leftJoin('templates as t', 't.id', 'v.template_id')
    .leftJoin('storage_pools as p', 'p.id', 'v.pool_id')
    .leftJoin('clusters as c', 'c.id', 'p.cluster_id')
    .leftJoin('pods as pd', 'pd.id', 'p.pod_id')
    .leftJoin('hosts as h', 'h.id', 'vm.host_id')
    .selectAll('v')
    .select([
      'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path', 'z.uuid as zone_uuid', 'z.name as zone_name',
      'o.uuid as offering_uuid', 'o.name as offering_name', 'o.display_text as offering_display', 'vm.uuid as vm_uuid', 'vm.name as vm_name',
      'vm.display_name as vm_display', 'vm.state as vm_state', 'vm.type as vm_type', 'so.uuid as so_uuid', 'so.name as so_name',
      'so.display_text as so_display', 't.uuid as template_uuid', 't.name as template_name', 't.display_text as template_display',
      't.hypervisor_type as template_hypervisor', 'p.uuid as pool_uuid', 'p.name as pool_name', 'p.scope as pool_scope',
      'p.hypervisor as pool_hypervisor', 'c.uuid as cluster_uuid', 'c.name as cluster_name', 'pd.uuid as pod_uuid', 'pd.name as pod_name',
      'h.hypervisor_type as host_hypervisor',
    ]);
  return includeRemoved ? q : q.where('v.removed', 'is', null);
}

export type VolumeView = Awaited<ReturnType<ReturnType<typeof volumeQuery>['executeTakeFirstOrThrow']>>;

export async function listVolumes(db: Db, scoper: Scoper, scope: ListScope, f: VolumeFilter, page: Page): Promise<{ rows: VolumeView[]; count: number }> {
  let q = scoper.apply(volumeQuery(db), scope, 'v.account_id', 'v.domain_id');
  if (f.id !== undefined) q = q.where('v.id', '=', f.id);
  if (f.ids?.length) q = q.where('v.id', 'in', f.ids);
  if (f.name !== undefined) q = q.where('v.name', '=', f.name);
  if (f.type !== undefined) q = q.where('v.volume_type', '=', f.type.toUpperCase());
  if (f.state !== undefined) q = q.where('v.state', '=', f.state);
  if (f.virtualmachineid !== undefined) q = q.where('v.vm_id', '=', f.virtualmachineid);
  if (f.zoneid !== undefined) q = q.where('v.zone_id', '=', f.zoneid);
  if (f.podid !== undefined) q = q.where('p.pod_id', '=', f.podid);
  if (f.clusterid !== undefined) q = q.where('p.cluster_id', '=', f.clusterid);
  if (f.hostid !== undefined) q = q.where('vm.host_id', '=', f.hostid);
  if (f.storageid !== undefined) q = q.where('v.pool_id', '=', f.storageid);
  if (f.diskofferingid !== undefined) q = q.where('v.disk_offering_id', '=', f.diskofferingid);
  if (f.serviceofferingid !== undefined) q = q.where('vm.service_offering_id', '=', f.serviceofferingid);
  if (!f.listsystemvms) q = q.where((eb) => eb.or([eb('v.vm_id', 'is', null), eb('vm.type', '=', 'User')]));
  if (f.keyword !== undefined) q = q.where('v.name', likeInsensitive(db.dialect), likePattern(f.keyword));
  // CloudStack lists volumes newest first.
  return page.run(q.orderBy('v.created', 'desc').orderBy('v.id', 'desc'));
}

export async function getVolumeView(db: Db, id: number): Promise<VolumeView> {
  return volumeQuery(db, true).where('v.id', '=', id).executeTakeFirstOrThrow();
}
