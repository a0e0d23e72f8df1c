/**
 * Data volumes (issue #6): create (Allocated, counted against the `volume` and
 * `primary_storage` limits), delete (detached only; pool room and counts go back), and the
 * attach/detach rules. Every state change goes through volumeTransition() and writes its
 * event in the same transaction; agent steps sit between transactions with compensations.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import { releasePool } from '../../allocation/reserve.js';
import { insertId, type Db } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { volumeRef, volumeTransition } from '../../orchestration/state/volume-state.js';
import { isRootAdmin, type Caller } from '../caller.js';
import type { Services } from '../index.js';
import { agentSend } from '../vms/agent-port.js';
import { splitTags, vmDb } from '../vms/contract.js';
import { loadVm, vmForCaller, type VmRow } from '../vms/vm-rows.js';
import { VolumeOps } from './volume-ops.js';
import { candidatePools, hostForPool, reserveOnPool, type PoolPick } from './volume-place.js';
import { GiB, loadVolume, maxDataVolumes, volumeForCaller, type VolumeRow } from './volume-rows.js';

export interface CreateVolumeInput {
  zoneid?: number | undefined;
  diskofferingid?: number | undefined;
  size?: number | undefined;
  name?: string | undefined;
  account?: string | undefined;
  domainid?: number | undefined;
  virtualmachineid?: number | undefined;
}

export class VolumeService {
  /** resize, migrate, extract. */
  readonly ops: VolumeOps;

  constructor(readonly db: Db, private readonly services: Services) {
    this.ops = new VolumeOps(db, services, this);
  }

  access(caller: Caller, id: number): Promise<VolumeRow> {
    return volumeForCaller(this.db, this.services.scoper, caller, id);
  }

  async event(trx: Kysely<Database>, caller: Caller, v: VolumeRow, type: string, description: string, level: 'INFO' | 'WARN' | 'ERROR' = 'INFO') {
    await this.services.events.record({ type, level, description, userId: caller.userId, accountId: v.account_id, domainId: v.domain_id, resourceType: 'Volume', resourceUuid: v.uuid }, trx);
  }

  /** GB asked for a custom offering, bounded by max.volume.size.gb; the offering's size otherwise. */
  async sizeFor(offering: { customized: number; disk_size: number | string }, sizeGb: number | undefined): Promise<number> {
    if (!offering.customized) {
      if (sizeGb !== undefined && sizeGb * GiB !== Number(offering.disk_size)) throw paramError('The disk offering has a fixed size; size can only be given with a custom disk offering');
      return Number(offering.disk_size);
    }
    if (sizeGb === undefined) throw paramError('This disk offering requires a custom size specified');
    const max = await this.services.config.getNumber('max.volume.size.gb');
    if (!(sizeGb >= 1) || sizeGb > max) throw paramError(`Invalid size for custom volume creation: ${sizeGb} GB, the size must be between 1 and ${max} GB (max.volume.size.gb)`);
    return sizeGb * GiB;
  }

  async offering(id: number) {
    const o = await vmDb(this.db.kysely).selectFrom('disk_offerings').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (!o || o.state !== 'Active') throw paramError('Unable to find disk offering by id');
    return o;
  }

  /** createVolume's request half: the Allocated row, its counts and VOLUME.CREATE in one transaction. */
  async create(caller: Caller, p: CreateVolumeInput): Promise<VolumeRow> {
    const owner = p.account !== undefined
      ? await this.services.scoper.accountByName(caller, p.account, p.domainid)
      : { id: caller.accountId, domainId: caller.domainId };
    const vm = p.virtualmachineid === undefined ? undefined : await vmForCaller(this.db, this.services.scoper, caller, p.virtualmachineid);
    const zoneId = p.zoneid ?? vm?.zone_id;
    if (zoneId === undefined) throw paramError('Please specify the zone (zoneid) where the volume is to be created');
    if (p.diskofferingid === undefined) throw paramError('Either disk Offering Id or snapshot Id must be passed whilst creating volume');
    const zone = await this.db.kysely.selectFrom('zones').select(['id', 'allocation_state']).where('id', '=', zoneId).where('removed', 'is', null).executeTakeFirst();
    if (!zone) throw paramError('Unable to find zone by id');
    if (zone.allocation_state !== 'Enabled' && !isRootAdmin(caller)) throw permissionDenied(`Cannot perform this operation, Zone is currently disabled: ${zone.id}`);
    if (vm && vm.zone_id !== zone.id) throw paramError('Please specify a VM that is in the same zone as the volume.');
    const dof = await this.offering(p.diskofferingid);
    const size = await this.sizeFor(dof, p.size);
    const id = await this.db.kysely.transaction().execute((trx) =>
      this.allocate(trx, caller, { accountId: owner.id, domainId: owner.domainId, zoneId: zone.id, size, diskOfferingId: dof.id, name: p.name }));
    return loadVolume(this.db.kysely, id);
  }

  /**
   * The Allocated DATADISK row in the caller's transaction, with its `volume` and
   * `primary_storage` counts and VOLUME.CREATE (also for a volume made from a snapshot).
   */
  async allocate(trx: Kysely<Database>, caller: Caller, a: { accountId: number; domainId: number; zoneId: number; size: number; diskOfferingId: number | null; name?: string | undefined }): Promise<number> {
    const uuid = randomUUID();
    const now = Date.now();
    await this.services.limits.reserveAll(trx, a.accountId, { volume: 1, primary_storage: a.size });
    const id = await insertId(trx, this.db.dialect, 'volumes', {
      uuid, name: a.name ?? uuid, volume_type: 'DATADISK', state: 'Allocated', account_id: a.accountId, domain_id: a.domainId, zone_id: a.zoneId,
      pool_id: null, vm_id: null, device_id: null, disk_offering_id: a.diskOfferingId, template_id: null, size: a.size, path: null, created: now, removed: null,
      state_changed: now,
    });
    const v = await loadVolume(trx, id);
    await this.event(trx, caller, v, 'VOLUME.CREATE', `Creating volume ${v.name} of ${a.size} bytes`);
    return id;
  }

  /** Detached data volumes only: the disk goes from its pool, then the row, the pool room and the counts. */
  async delete(caller: Caller, id: number): Promise<void> {
    const v = await this.access(caller, id);
    if (v.volume_type === 'ROOT') throw new CloudError('InvalidState', 'Unable to delete a ROOT volume: it goes with its VM when the VM is expunged');
    if (v.vm_id !== null) throw new CloudError('InvalidState', 'Please specify a volume that is not attached to any VM.');
    // Destroy first: a concurrent attach or migration can no longer pick the volume up.
    let ref = await volumeTransition(this.db.kysely, volumeRef(v), 'DestroyRequested');
    if (v.pool_id !== null && v.path !== null) {
      try {
        const pool = await this.poolPick(v.pool_id);
        const host = await hostForPool(this.db.kysely, this.services, pool, []);
        await agentSend(this.services, host, { type: 'DeleteVolume', volumeUuid: v.uuid, path: v.path });
      } catch (e) {
        await volumeTransition(this.db.kysely, ref, 'RecoverRequested');
        throw e instanceof CloudError ? e : new CloudError('ResourceUnavailable', `Unable to delete volume ${v.name}: ${(e as Error).message}`);
      }
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      ref = await volumeTransition(trx, ref, 'ExpungingRequested');
      await volumeTransition(trx, ref, 'OperationSucceeded', { removed: Date.now() });
      if (v.pool_id !== null) await releasePool(trx, v.pool_id, Number(v.size));
      await this.services.limits.releaseAll(trx, v.account_id, { volume: 1, primary_storage: Number(v.size) });
      await this.event(trx, caller, v, 'VOLUME.DELETE', `Deleting volume ${v.name}`);
    });
  }

  async poolPick(poolId: number): Promise<PoolPick> {
    const p = await this.db.kysely.selectFrom('storage_pools').selectAll().where('id', '=', poolId).executeTakeFirstOrThrow();
    return { id: p.id, uuid: p.uuid, name: p.name, path: p.path, scope: p.scope, clusterId: p.cluster_id, hostId: p.host_id };
  }

  /** The device id CloudStack would give: 1, 2, 4… (3 is the CD-ROM), or the asked one if free. */
  private deviceId(vm: VmRow, vols: VolumeRow[], max: number, asked: number | undefined): number {
    const maxDeviceId = max + 1;
    const used = new Set(vols.map((x) => Number(x.device_id)));
    if (asked !== undefined) {
      if (asked < 1 || asked > maxDeviceId || asked === 3) throw paramError(`deviceId should be 1,2,4-${maxDeviceId}`);
      if (used.has(asked)) throw paramError(`deviceId ${asked} is used by vm ${vm.uuid}`);
      return asked;
    }
    for (let i = 1; i <= maxDeviceId; i++) if (i !== 3 && !used.has(i)) return i;
    throw paramError(`The specified VM already has the maximum number of data disks (${max}) attached. Please specify another VM.`);
  }

  /** Where the VM's disks live: the root disk's pool (its cluster) or the VM's own placement. */
  private async reach(vm: VmRow): Promise<{ zoneId: number; clusterId: number | null; hostId: number | null } | undefined> {
    const root = await this.db.kysely.selectFrom('volumes as v').leftJoin('storage_pools as p', 'p.id', 'v.pool_id')
      .select(['v.pool_id', 'p.cluster_id', 'p.host_id']).where('v.vm_id', '=', vm.id).where('v.volume_type', '=', 'ROOT').where('v.removed', 'is', null).executeTakeFirst();
    const clusterId = root?.cluster_id ?? vm.cluster_id;
    if (root?.pool_id == null && clusterId === null && vm.host_id === null) return undefined;
    const hostId = vm.host_id ?? vm.last_host_id ?? root?.host_id ?? null;
    let cluster = clusterId;
    if (cluster === null && hostId !== null) cluster = (await vmDb(this.db.kysely).selectFrom('hosts').select('cluster_id').where('id', '=', hostId).executeTakeFirst())?.cluster_id ?? null;
    return { zoneId: vm.zone_id, clusterId: cluster, hostId };
  }

  /** Creates an Allocated volume on a pool the VM reaches (the first attach). */
  private async createOnPool(caller: Caller, v: VolumeRow, vm: VmRow, reach: { zoneId: number; clusterId: number | null; hostId: number | null }): Promise<VolumeRow> {
    const tags = v.disk_offering_id === null ? [] : splitTags((await this.offering(v.disk_offering_id).catch(() => ({ tags: null }))).tags);
    const pools = await candidatePools(this.db.kysely, this.services, reach, tags, Number(v.size));
    let ref = volumeRef(v);
    const pool = await reserveOnPool(this.db.kysely, this.services, pools, Number(v.size), `volume ${v.name}`, async (trx, p) => {
      ref = await volumeTransition(trx, ref, 'CreateRequested', { pool_id: p.id });
    });
    try {
      const host = await hostForPool(this.db.kysely, this.services, pool, [vm.host_id, vm.last_host_id]);
      const r = await agentSend(this.services, host, { type: 'CreateVolume', volumeUuid: v.uuid, name: v.name, poolUuid: pool.uuid, poolPath: pool.path, size: Number(v.size) });
      const path = typeof r['path'] === 'string' ? r['path'] : `${pool.path}/${v.uuid}`;
      await volumeTransition(this.db.kysely, ref, 'OperationSucceeded', { path });
    } catch (e) {
      await this.db.kysely.transaction().execute(async (trx) => {
        await releasePool(trx, pool.id, Number(v.size));
        await volumeTransition(trx, ref, 'OperationFailed', { pool_id: null });
        await this.event(trx, caller, v, 'VOLUME.CREATE', `Failed to create volume ${v.name} on pool ${pool.name}: ${(e as Error).message}`, 'ERROR');
      });
      throw e instanceof CloudError ? e : new CloudError('ResourceUnavailable', `Unable to create volume ${v.name}: ${(e as Error).message}`);
    }
    return loadVolume(this.db.kysely, v.id);
  }

  async attach(caller: Caller, volumeId: number, vmId: number, asked?: number): Promise<VolumeRow> {
    let v = await this.access(caller, volumeId);
    const vm = await vmForCaller(this.db, this.services.scoper, caller, vmId);
    if (v.volume_type !== 'DATADISK') throw paramError('Please specify a volume with the valid type: DATADISK');
    if (v.vm_id !== null) throw new CloudError('InvalidState', 'Please specify a volume that is not attached to any VM.');
    if (v.state !== 'Allocated' && v.state !== 'Ready') throw new CloudError('InvalidState', `Volume ${v.name} must be in Allocated or Ready state to be attached; it is ${v.state}`);
    if (vm.state !== 'Running' && vm.state !== 'Stopped') throw new CloudError('InvalidState', 'Please specify a VM that is either running or stopped.');
    if (vm.zone_id !== v.zone_id) throw paramError('Please specify a VM that is in the same zone as the volume.');
    if (vm.account_id !== v.account_id) throw permissionDenied('The volume and the virtual machine belong to different accounts');
    const vols = await this.db.kysely.selectFrom('volumes').selectAll().where('vm_id', '=', vm.id).where('removed', 'is', null).execute();
    const hv = await this.hypervisorOf(vm);
    const max = maxDataVolumes(hv);
    if (vols.filter((x) => x.volume_type === 'DATADISK').length >= max) {
      throw paramError(`The specified VM already has the maximum number of data disks (${max}) attached. Please specify another VM.`);
    }
    const deviceId = this.deviceId(vm, vols, max, asked);
    const reach = await this.reach(vm);
    if (v.state === 'Allocated' && (reach || vm.state === 'Running')) {
      if (!reach) throw new CloudError('InvalidState', `VM ${vm.instance_name} has no placement to create the volume for`);
      v = await this.createOnPool(caller, v, vm, reach);
    } else if (v.pool_id !== null && reach) {
      const status = await this.poolStatus(v.pool_id);
      if (status !== 'Up' && status !== 'Disabled') throw new CloudError('InvalidState', `The storage pool of volume ${v.name} is in state ${status}`);
      if (!(await this.inReach(v.pool_id, reach))) {
        // CloudStack moves a detached disk to storage the VM reaches before attaching it.
        const tags = v.disk_offering_id === null ? [] : splitTags((await this.offering(v.disk_offering_id).catch(() => ({ tags: null }))).tags);
        const pools = await candidatePools(this.db.kysely, this.services, reach, tags, Number(v.size));
        if (!pools.length) throw new CloudError('InsufficientCapacity', `No storage pool that VM ${vm.instance_name} reaches can take volume ${v.name}`, { scope: 'StoragePool' });
        v = await this.ops.relocate(caller, v, pools[0]!.id, false);
      }
    }
    const now = Date.now();
    if (vm.state === 'Running' && v.state === 'Ready') {
      let ref = await volumeTransition(this.db.kysely, volumeRef(v), 'AttachRequested', { vm_id: vm.id, device_id: deviceId }).catch(deviceTaken(deviceId));
      try {
        await agentSend(this.services, vm.host_id!, { type: 'AttachVolume', instanceName: vm.instance_name, disk: { uuid: v.uuid, path: v.path, type: 'DATADISK', deviceId, size: Number(v.size) } });
      } catch (e) {
        await volumeTransition(this.db.kysely, ref, 'OperationFailed', { vm_id: null, device_id: null });
        throw e;
      }
      await this.db.kysely.transaction().execute(async (trx) => {
        ref = await volumeTransition(trx, ref, 'OperationSucceeded', { attached: now });
        await this.event(trx, caller, v, 'VOLUME.ATTACH', `Attaching volume ${v.name} to VM ${vm.instance_name} as device ${deviceId}`);
      });
    } else {
      await this.db.kysely.transaction().execute(async (trx) => {
        await volumeTransition(trx, volumeRef(v), 'OperationSucceeded', { vm_id: vm.id, device_id: deviceId, attached: now });
        await this.event(trx, caller, v, 'VOLUME.ATTACH', `Attaching volume ${v.name} to VM ${vm.instance_name} as device ${deviceId}`);
      }).catch(deviceTaken(deviceId));
    }
    return loadVolume(this.db.kysely, v.id);
  }

  private async poolStatus(poolId: number): Promise<string | undefined> {
    return (await this.db.kysely.selectFrom('storage_pools').select('status').where('id', '=', poolId).executeTakeFirst())?.status;
  }

  /** The pool is in the VM's reach regardless of its status or room. */
  private async inReach(poolId: number, reach: { clusterId: number | null; hostId: number | null }): Promise<boolean> {
    const p = await this.db.kysely.selectFrom('storage_pools').select(['scope', 'cluster_id', 'host_id']).where('id', '=', poolId).executeTakeFirst();
    return !!p && (p.scope === 'ZONE' || (p.cluster_id !== null && p.cluster_id === reach.clusterId) || (p.host_id !== null && p.host_id === reach.hostId));
  }

  async hypervisorOf(vm: VmRow): Promise<string | null> {
    const k = vmDb(this.db.kysely);
    const hostId = vm.host_id ?? vm.last_host_id;
    if (hostId !== null) return (await k.selectFrom('hosts').select('hypervisor_type').where('id', '=', hostId).executeTakeFirst())?.hypervisor_type ?? null;
    if (vm.template_id !== null) return (await k.selectFrom('templates').select('hypervisor_type').where('id', '=', vm.template_id).executeTakeFirst())?.hypervisor_type ?? null;
    return null;
  }

  /** By id, or by the (virtualmachineid, deviceid) pair as CloudStack allows. */
  async detach(caller: Caller, p: { id?: number | undefined; virtualmachineid?: number | undefined; deviceid?: number | undefined }): Promise<VolumeRow> {
    let v: VolumeRow;
    if (p.id !== undefined) v = await this.access(caller, p.id);
    else {
      if (p.virtualmachineid === undefined || p.deviceid === undefined) throw paramError('Please provide either a volume id, or a tuple(device id, instance id)');
      await vmForCaller(this.db, this.services.scoper, caller, p.virtualmachineid);
      const row = await this.db.kysely.selectFrom('volumes').select('id').where('vm_id', '=', p.virtualmachineid).where('device_id', '=', p.deviceid).where('removed', 'is', null).executeTakeFirst();
      if (!row) throw paramError('Unable to find volume with the given device id on the virtual machine');
      v = await this.access(caller, row.id);
    }
    if (v.volume_type === 'ROOT') throw paramError('Please specify a data volume: a ROOT volume cannot be detached');
    if (v.vm_id === null) throw new CloudError('InvalidState', 'Please specify a volume that is attached to a VM.');
    const vm = await loadVm(this.db, v.vm_id);
    if (vm.state !== 'Running' && vm.state !== 'Stopped') throw new CloudError('InvalidState', 'Please specify a VM that is either running or stopped.');
    if (v.state !== 'Ready' && v.state !== 'Allocated') throw new CloudError('InvalidState', `Volume ${v.name} is ${v.state}; try again when it is Ready`);
    if (vm.state === 'Running' && v.state === 'Ready') {
      await agentSend(this.services, vm.host_id!, { type: 'DetachVolume', instanceName: vm.instance_name, volumeUuid: v.uuid });
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      await volumeTransition(trx, volumeRef(v), 'OperationSucceeded', { vm_id: null, device_id: null, attached: null });
      await this.event(trx, caller, v, 'VOLUME.DETACH', `Detaching volume ${v.name} from VM ${vm.instance_name}`);
    });
    return loadVolume(this.db.kysely, v.id);
  }

  /** An account going away takes its remaining (detached) volumes with it. */
  async forgetAccount(caller: Caller, accountId: number): Promise<void> {
    const rows = await this.db.kysely.selectFrom('volumes').select('id').where('account_id', '=', accountId).where('removed', 'is', null).where('vm_id', 'is', null).execute();
    const failed: string[] = [];
    for (const r of rows) await this.delete(caller, r.id).catch((e: Error) => failed.push(e.message));
    if (failed.length) throw new CloudError('ResourceUnavailable', `Unable to delete ${failed.length} volume(s) of the account: ${failed[0]}`);
  }
}

/** The (vm_id, device_id) unique index turns a lost race for a device id into a clear error. */
function deviceTaken(deviceId: number) {
  return (e: unknown): never => {
    if (!(e instanceof CloudError) && /unique|duplicate/i.test(String((e as Error)?.message))) {
      throw new CloudError('InvalidState', `deviceId ${deviceId} was taken by a concurrent attach to the same VM; try again`);
    }
    throw e;
  };
}
