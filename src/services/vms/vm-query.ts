/** listVirtualMachines: one joined query, scoped to the caller, with CloudStack's filters. */
import { NoResultError, type Kysely } from 'kysely';
import { likeInsensitive, likePattern, type Db } from '../../db/dialect.js';
import { QueryTemplate } from '../../db/prepared.js';
import type { Database } from '../../db/schema/index.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import { vmDb } from './contract.js';

export interface VmFilter {
  id?: number | undefined;
  ids?: number[] | undefined;
  state?: string | undefined;
  zoneid?: number | undefined;
  hostid?: number | undefined;
  podid?: number | undefined;
  clusterid?: number | undefined;
  name?: string | undefined;
  keyword?: string | undefined;
  groupid?: number | undefined;
  templateid?: number | undefined;
  serviceofferingid?: number | undefined;
  securitygroupid?: number | undefined;
  networkid?: number | undefined;
}

export function vmQuery(db: Db, includeRemoved = false) {
  return vmQueryOn(db.kysely, includeRemoved);
}

function vmQueryOn(k: Kysely<Database>, includeRemoved: boolean) {
  const q = vmDb(k)
    .selectFrom('vm_instances as v')
    .innerJoin('accounts as a', 'a.id', 'v.account_id')
    .innerJoin('domains as d', 'd.id', 'v.domain_id')
    .innerJoin('zones as z', 'z.id', 'v.zone_id')
    .leftJoin('service_offerings as so', 'so.id', 'v.service_offering_id')
    .leftJoin('templates as t', 't.id', 'v.template_id')
    .leftJoin('templates as iso', 'iso.id', 'v.iso_id')
    .leftJoin('guest_os as os', 'os.id', 'v.guest_os_id')
    .leftJoin('hosts as h', 'h.id', 'v.host_id')
    .leftJoin('instance_group_vm_map as gm', 'gm.vm_id', 'v.id')
    .leftJoin('instance_groups as g', 'g.id', 'gm.group_id')
    .leftJoin('ssh_keypairs as k', 'k.id', 'v.ssh_keypair_id')
    .selectAll('v')
    .select([
      'a.account_name', 'a.uuid as account_uuid', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path',
      'z.uuid as zone_uuid', 'z.name as zone_name', 'so.uuid as so_uuid', 'so.name as so_name', 'so.cpu_number', 'so.cpu_speed', 'so.ram_size',
      't.uuid as template_uuid', 't.name as template_name', 't.display_text as template_display', 't.format as template_format',
      't.password_enabled', 't.hypervisor_type as template_hypervisor', 'iso.uuid as iso_uuid', 'iso.name as iso_name', 'iso.display_text as iso_display',
      'os.uuid as os_uuid', 'os.display_name as os_name', 'h.uuid as host_uuid', 'h.name as host_name', 'h.hypervisor_type as host_hypervisor',
      'g.uuid as group_uuid', 'g.name as group_name', 'k.name as keypair_name',
    ])
    .where('v.type', '=', 'User');
  return includeRemoved ? q : q.where('v.removed', 'is', null);
}

export type VmView = Awaited<ReturnType<ReturnType<typeof vmQuery>['executeTakeFirstOrThrow']>>;

export async function listVms(db: Db, scoper: Scoper, scope: ListScope, f: VmFilter, page: Page): Promise<{ rows: VmView[]; count: number }> {
  let q = scoper.apply(vmQuery(db), scope, 'v.account_id', 'v.domain_id');
  if (f.id !== undefined) q = q.where('v.id', '=', f.id);
  if (f.ids?.length) q = q.where('v.id', 'in', f.ids);
  if (f.state !== undefined) q = q.where('v.state', '=', f.state);
  if (f.zoneid !== undefined) q = q.where('v.zone_id', '=', f.zoneid);
  if (f.hostid !== undefined) q = q.where('v.host_id', '=', f.hostid);
  if (f.podid !== undefined) q = q.where('v.pod_id', '=', f.podid);
  if (f.clusterid !== undefined) q = q.where('v.cluster_id', '=', f.clusterid);
  if (f.name !== undefined) q = q.where('v.name', '=', f.name);
  if (f.templateid !== undefined) q = q.where((eb) => eb.or([eb('v.template_id', '=', f.templateid!), eb('v.iso_id', '=', f.templateid!)]));
  if (f.serviceofferingid !== undefined) q = q.where('v.service_offering_id', '=', f.serviceofferingid);
  if (f.networkid !== undefined) {
    const nid = f.networkid;
    q = q.where('v.id', 'in', (eb) => eb.selectFrom('nics').select('nics.vm_id').where('nics.network_id', '=', nid).where('nics.removed', 'is', null));
  }
  if (f.groupid !== undefined) q = q.where('gm.group_id', '=', f.groupid);
  if (f.securitygroupid !== undefined) q = q.where('v.id', 'in', (eb) => eb.selectFrom('security_group_vm_map').select('vm_id').where('security_group_id', '=', f.securitygroupid!));
  if (f.keyword !== undefined) {
    const op = likeInsensitive(db.dialect);
    const pat = likePattern(f.keyword);
    q = q.where((eb) => eb.or([eb('v.name', op, pat), eb('v.display_name', op, pat), eb('v.instance_name', op, pat), eb('v.state', op, pat)]));
  }
  return page.run(q.orderBy('v.id'));
}

// Each deploy answers with its VM (issue #5 bench): templates.
const VM_VIEW = new QueryTemplate((k, $) => vmQueryOn(k, true).where('v.id', '=', $<number>('id')));
const NICS_OF_VMS = new QueryTemplate((k, $, n) => k.selectFrom('nics as c').innerJoin('networks as n', 'n.id', 'c.network_id')
  .select(['c.vm_id', 'c.uuid', 'c.ip_address', 'c.netmask', 'c.gateway', 'c.mac_address', 'c.is_default', 'c.device_id',
    'n.uuid as network_uuid', 'n.name as network_name', 'n.guest_type', 'n.traffic_type', 'n.broadcast_uri'])
  .where('c.vm_id', 'in', $.list<number>('ids', Number(n))).where('c.removed', 'is', null).orderBy('c.vm_id').orderBy('c.device_id'));

export async function getVmView(db: Db, id: number): Promise<VmView> {
  const [vm] = await VM_VIEW.execute(db.kysely, '', { id });
  // As executeTakeFirstOrThrow: a VM that is gone is an internal error here.
  if (!vm) throw new NoResultError(vmQueryOn(db.kysely, true).where('v.id', '=', id).toOperationNode());
  return vm;
}

/** The live NICs of these VMs with their networks' names (one query for a page). */
export async function nicsOfVms(db: Db, vmIds: number[]): Promise<Map<number, NicView[]>> {
  const by = new Map<number, NicView[]>();
  if (vmIds.length === 0) return by;
  // A page's worth of ids is one shape per length; a single VM's the common one.
  const rows = await NICS_OF_VMS.execute(db.kysely, String(vmIds.length), { ids: vmIds });
  for (const r of rows) {
    const l = by.get(r.vm_id) ?? [];
    l.push(r);
    by.set(r.vm_id, l);
  }
  return by;
}

export interface NicView {
  vm_id: number; uuid: string; ip_address: string | null; netmask: string | null; gateway: string | null; mac_address: string;
  is_default: number; device_id: number; network_uuid: string; network_name: string; guest_type: string; traffic_type: string; broadcast_uri: string | null;
}
