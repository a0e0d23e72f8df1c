/**
 * The request half of deployVirtualMachine: checks, limits, and the VM and volume rows
 * (state Stopped, volumes Allocated), its guest NICs, with VM.CREATE in one transaction. The job then starts it.
 */
import { randomUUID } from 'node:crypto';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { insertIdTemplate, QueryTemplate } from '../../db/prepared.js';
import { isRootAdmin, type Caller } from '../caller.js';
import type { Services } from '../index.js';
import { vmDb } from './contract.js';
import { allocateNics, planNics, type NicInput } from './vm-nics.js';
import { instanceName, validHostName } from './vm-rows.js';

const GiB = 1024 ** 3;
/** CloudStack's limits on base64 user data: 4 KB through GET, 1 MB through POST (vm.userdata.max.length caps it). */
export const USER_DATA_MAX = 1_048_576;

export interface DeployInput extends NicInput {
  zoneid: number;
  serviceofferingid: number;
  templateid?: number | undefined;
  diskofferingid?: number | undefined;
  size?: number | undefined;
  rootdisksize?: number | undefined;
  name?: string | undefined;
  displayname?: string | undefined;
  group?: string | undefined;
  keypair?: string | undefined;
  userdata?: string | undefined;
  account?: string | undefined;
  domainid?: number | undefined;
  hostid?: number | undefined;
  clusterid?: number | undefined;
  podid?: number | undefined;
  networkids?: number[] | undefined;
  securitygroupids?: number[] | undefined;
  securitygroupnames?: string[] | undefined;
}

// One of each per deploy (issue #5 bench): templates; the rows of zones, offerings and templates
// may come from the SQLite read cache (shared and frozen: only read here).
const ZONE = new QueryTemplate((k, $) => k.selectFrom('zones').select(['id', 'allocation_state', 'network_type']).where('id', '=', $<number>('id')).where('removed', 'is', null), { cacheRows: true });
const OFFERING = new QueryTemplate((k, $) => k.selectFrom('service_offerings').selectAll().where('id', '=', $<number>('id')).where('removed', 'is', null), { cacheRows: true });
const TEMPLATE = new QueryTemplate((k, $) => k.selectFrom('templates').selectAll().where('id', '=', $<number>('id')).where('removed', 'is', null), { cacheRows: true });
const TEMPLATE_SIZE = new QueryTemplate((k, $) => k.selectFrom('template_store_refs').select(['size']).where('template_id', '=', $<number>('template')).where('zone_id', '=', $<number>('zone'))
  .where('download_state', '=', 'DOWNLOADED'), { cacheRows: true });
const INSERT_VM = insertIdTemplate('vm_instances', ['uuid', 'name', 'instance_name', 'display_name', 'type', 'state', 'account_id', 'domain_id', 'zone_id', 'pod_id',
  'cluster_id', 'host_id', 'last_host_id', 'service_offering_id', 'template_id', 'iso_id', 'guest_os_id', 'ha_enabled', 'user_data', 'ssh_keypair_id', 'password',
  'update_count', 'state_changed', 'created', 'removed']);
const NAME_VM = new QueryTemplate((k, $) => k.updateTable('vm_instances').set({ instance_name: $<string>('name') }).where('id', '=', $<number>('id')));
const INSERT_VOLUME = insertIdTemplate('volumes', ['uuid', 'name', 'volume_type', 'state', 'account_id', 'domain_id', 'zone_id', 'pool_id', 'vm_id', 'device_id',
  'disk_offering_id', 'template_id', 'size', 'path', 'created', 'removed']);

/** Runs last in the deploy's transaction, with the new VM (the API writes its job there). */
export type WithinDeploy = (trx: Kysely<Database>, vm: { id: number; uuid: string }) => Promise<void>;

export async function createVm(db: Db, services: Services, caller: Caller, p: DeployInput, within?: WithinDeploy): Promise<{ id: number; uuid: string }> {
  const k = vmDb(db.kysely);
  const owner = p.account !== undefined
    ? await services.scoper.accountByName(caller, p.account, p.domainid)
    : { id: caller.accountId, domainId: caller.domainId, domainPath: caller.domainPath };
  const [zone] = await ZONE.execute(db.kysely, '', { id: p.zoneid });
  if (!zone) throw paramError('Unable to find zone by id');
  if (zone.allocation_state !== 'Enabled' && !isRootAdmin(caller)) throw permissionDenied(`Cannot perform this operation, Zone is currently disabled: ${p.zoneid}`);
  const net = await guestNetworking(services, owner, zone, p);
  const [so] = await OFFERING.execute(db.kysely, '', { id: p.serviceofferingid });
  if (!so || so.state !== 'Active') throw paramError('Unable to find service offering');
  if (p.templateid === undefined) throw paramError('Unable to deploy a VM: templateid is required (a template or an ISO)');
  const [tpl] = await TEMPLATE.execute(db.kysely, '', { id: p.templateid });
  if (!tpl) throw paramError('Unable to use template: it does not exist');
  if (!tpl.public && tpl.account_id !== owner.id && !isRootAdmin(caller)) throw permissionDenied('Account does not have permission to use this template');
  const [ready] = await TEMPLATE_SIZE.execute(db.kysely, '', { template: tpl.id, zone: zone.id });
  if (!ready) throw new CloudError('InvalidState', `Template ${tpl.name} has not been completely downloaded to zone ${zone.id}`);
  const dof = p.diskofferingid === undefined ? undefined
    : await k.selectFrom('disk_offerings').selectAll().where('id', '=', p.diskofferingid).where('removed', 'is', null).executeTakeFirst();
  if (p.diskofferingid !== undefined && (!dof || dof.state !== 'Active')) throw paramError('Unable to find disk offering');
  const sized = (d: NonNullable<typeof dof>) => {
    if (!d.customized) return Number(d.disk_size);
    if (p.size === undefined || p.size <= 0) throw paramError('The size of the disk must be specified for a custom disk offering');
    return p.size * GiB;
  };
  const disks: { type: 'ROOT' | 'DATADISK'; size: number; offering: number | null; template: number | null }[] = [];
  if (tpl.is_iso) {
    if (!dof) throw paramError('Disk offering id must be specified when deploying a VM from an ISO (it sizes the root disk)');
    disks.push({ type: 'ROOT', size: sized(dof), offering: dof.id, template: null });
  } else {
    const base = Math.max(Number(ready.size) || 0, Number(tpl.size) || 0);
    const root = p.rootdisksize !== undefined ? p.rootdisksize * GiB : base;
    if (root < base) throw paramError('Root disk size cannot be smaller than the template size');
    disks.push({ type: 'ROOT', size: root, offering: null, template: tpl.id });
    if (dof) disks.push({ type: 'DATADISK', size: sized(dof), offering: dof.id, template: null });
  }
  const uuid = randomUUID();
  const name = p.name ?? `VM-${uuid}`;
  if (!validHostName(name)) {
    throw paramError('Invalid name. Vm name can contain ASCII letters \'a\' through \'z\', the digits \'0\' through \'9\', and the hyphen (\'-\'), must be between 1 and 63 characters long, and can\'t start or end with "-" and can\'t start with digit');
  }
  if (p.userdata !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(p.userdata) || p.userdata.length % 4 !== 0) throw paramError('User data is not base64 encoded');
    const max = Math.min(USER_DATA_MAX, (await services.config.getNumber('vm.userdata.max.length').catch(() => USER_DATA_MAX)) || USER_DATA_MAX);
    if (p.userdata.length > max) throw paramError(`User data is too long for an http POST request (max ${max} bytes)`);
  }
  const key = p.keypair === undefined ? undefined : await services.sshKeys.getByName(owner.id, p.keypair);
  if (p.keypair !== undefined && !key) throw paramError(`A key pair with name '${p.keypair}' was not found.`);
  // A Basic zone's NIC comes from its pod's direct range (net.basic); elsewhere from the guest networks.
  const nics = net.basic ? [] : await planNics(db, services, caller, owner, zone.id, p);
  const now = Date.now();
  const created = await db.kysely.transaction().execute(async (trx) => {
    await services.limits.reserveAll(trx, owner.id, {
      user_vm: 1, cpu: Number(so.cpu_number), memory: Number(so.ram_size), volume: disks.length,
      primary_storage: disks.reduce((s, d) => s + d.size, 0),
    });
    const id = await INSERT_VM(trx, db.dialect, {
      uuid, name, instance_name: `i-${owner.id}-pending-${uuid}`, display_name: p.displayname ?? name, type: 'User', state: 'Stopped',
      account_id: owner.id, domain_id: owner.domainId, zone_id: zone.id, pod_id: null, cluster_id: null, host_id: null, last_host_id: null,
      service_offering_id: so.id, template_id: tpl.is_iso ? null : tpl.id, iso_id: tpl.is_iso ? tpl.id : null, guest_os_id: tpl.guest_os_id,
      ha_enabled: so.offer_ha ? 1 : 0, user_data: p.userdata ?? null, ssh_keypair_id: key?.id ?? null, password: null,
      update_count: 0, state_changed: now, created: now, removed: null,
    });
    await NAME_VM.run(trx, '', { name: instanceName(owner.id, id), id });
    for (const [i, d] of disks.entries()) {
      await INSERT_VOLUME(trx, db.dialect, {
        uuid: randomUUID(), name: `${d.type}-${id}${i > 1 ? `-${i}` : ''}`, volume_type: d.type, state: 'Allocated', account_id: owner.id,
        domain_id: owner.domainId, zone_id: zone.id, pool_id: null, vm_id: id, device_id: i, disk_offering_id: d.offering,
        template_id: d.template, size: d.size, path: null, created: now, removed: null,
      });
    }
    await allocateNics(trx, services, id, nics);
    if (p.group) await services.instanceGroups.assign(trx, id, p.group, owner.id);
    if (net.basic) await services.directNetworks.allocateBasic(trx, { id, accountId: owner.id, domainId: owner.domainId }, net.basic);
    if (net.groups.length > 0) await services.securityGroups.join(trx, id, net.groups);
    await services.events.record({
      type: 'VM.CREATE', description: `Creating VM ${instanceName(owner.id, id)}`, userId: caller.userId, accountId: owner.id,
      domainId: owner.domainId, resourceType: 'VirtualMachine', resourceUuid: uuid,
    }, trx);
    if (within) await within(trx, { id, uuid });
    return { id, uuid };
  });
  // New DHCP leases and metadata for the routers of the VM's networks.
  for (const n of nics) await services.networkNotifier.changed(n.networkId);
  return created;
}

/**
 * Networking decided in the request: in a Basic zone the zone's guest network and the pod
 * whose untagged range gives the address, and (with the SecurityGroup service) the groups the
 * VM joins — those named, else the owner's default group. Elsewhere groups are refused.
 */
async function guestNetworking(services: Services, owner: { id: number; domainId: number }, zone: { id: number; network_type: string }, p: DeployInput) {
  const named = !!(p.securitygroupids?.length || p.securitygroupnames?.length);
  if (zone.network_type !== 'Basic') {
    if (named) throw paramError("Can't create vm with security groups; security group feature is not enabled per zone");
    return { basic: undefined, groups: [] as number[] };
  }
  const basic = await services.directNetworks.placeBasic(zone.id, { networkIds: p.networkids, podId: p.podid, clusterId: p.clusterid, hostId: p.hostid });
  if (!basic.securityGroups) {
    if (named) throw paramError("Can't create vm with security groups; security group feature is not enabled in the zone's network");
    return { basic, groups: [] as number[] };
  }
  return { basic, groups: await services.securityGroups.forDeploy(owner, p.securitygroupids, p.securitygroupnames) };
}
