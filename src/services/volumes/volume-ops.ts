/**
 * resizeVolume, migrateVolume and extractVolume (STYLE §5: steps with compensations). Each
 * reserves what it needs (pool room, `primary_storage` count) in the transaction that moves
 * the volume into Resizing/Migrating, asks the agent, and then either commits the new size or
 * place with its event, or gives every reservation back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import { releasePool, reservePool } from '../../allocation/reserve.js';
import { insertId, type Db } from '../../db/dialect.js';
import { volumeRef, volumeTransition } from '../../orchestration/state/volume-state.js';
import { isRootAdmin, type Caller } from '../caller.js';
import type { Services } from '../index.js';
import { agentSend } from '../vms/agent-port.js';
import { splitTags } from '../vms/contract.js';
import { loadVm } from '../vms/vm-rows.js';
import { hostForPool } from './volume-place.js';
import { GiB, loadVolume, type VolumeRow } from './volume-rows.js';
import type { VolumeService } from './volume.service.js';

export interface ResizeInput {
  size?: number | undefined;
  shrinkok?: boolean | undefined;
  diskofferingid?: number | undefined;
}

export interface ExtractResult { volume: VolumeRow; extractUuid: string; accountUuid: string; created: number; zoneUuid: string; zoneName: string; url: string }

export class VolumeOps {
  /** Origin of this server's URLs, learnt when it listens. */
  baseUrl = 'http://127.0.0.1:8080';

  constructor(private readonly db: Db, private readonly services: Services, private readonly volumes: VolumeService) {}

  private async factor(): Promise<number> {
    return this.services.config.getNumber('storage.overprovisioning.factor');
  }

  /** The host to run a disk operation on: the VM's when it runs (online), else one reaching the pool. */
  private async hostFor(v: VolumeRow): Promise<{ hostId: number; instanceName?: string }> {
    const vm = v.vm_id === null ? undefined : await loadVm(this.db, v.vm_id);
    if (vm?.state === 'Running' && vm.host_id !== null) return { hostId: vm.host_id, instanceName: vm.instance_name };
    return { hostId: await hostForPool(this.db.kysely, this.services, await this.volumes.poolPick(v.pool_id!), [vm?.last_host_id ?? null]) };
  }

  /** Grow (or, with shrinkok, shrink) to `size` GB or to a new disk offering's size. */
  async resize(caller: Caller, id: number, p: ResizeInput): Promise<VolumeRow> {
    const v = await this.volumes.access(caller, id);
    if (v.state !== 'Ready' && v.state !== 'Allocated') throw new CloudError('InvalidState', 'Volume should be in ready or allocated state before attempting a resize.');
    let offeringId = v.disk_offering_id;
    let newSize: number;
    if (p.diskofferingid !== undefined) {
      if (v.volume_type === 'ROOT') throw paramError('The disk offering of a ROOT volume comes with its service offering; give a size instead');
      const o = await this.volumes.offering(p.diskofferingid);
      if (v.pool_id !== null) {
        const pool = await this.db.kysely.selectFrom('storage_pools').select(['tags', 'name']).where('id', '=', v.pool_id).executeTakeFirstOrThrow();
        if (!splitTags(o.tags).every((t) => splitTags(pool.tags).includes(t))) {
          throw new CloudError('InvalidState', `Storage pool ${pool.name} of the volume does not have the tags of disk offering ${o.name}; migrate the volume first`);
        }
      }
      offeringId = o.id;
      newSize = await this.volumes.sizeFor(o, o.customized ? p.size : undefined);
    } else {
      if (p.size === undefined) throw paramError('Either the new size or a new disk offering must be given');
      if (v.volume_type === 'ROOT') {
        const max = await this.services.config.getNumber('max.volume.size.gb');
        if (!(p.size >= 1) || p.size > max) throw paramError(`Invalid size ${p.size} GB: it must be between 1 and ${max} GB (max.volume.size.gb)`);
        newSize = p.size * GiB;
      } else {
        const o = v.disk_offering_id === null ? undefined : await this.volumes.offering(v.disk_offering_id).catch(() => undefined);
        if (!o?.customized) throw paramError('Only volumes of a custom disk offering can be resized to a given size; give a new disk offering instead');
        newSize = await this.volumes.sizeFor(o, p.size);
      }
    }
    const old = Number(v.size);
    if (newSize === old && offeringId === v.disk_offering_id) throw new CloudError('InvalidState', `Volume ${v.name} already has ${old} bytes`);
    if (newSize < old && !p.shrinkok) throw paramError(`Shrink operation on volume ${v.name} is not permitted: pass shrinkok=true to shrink it`);
    const grow = Math.max(0, newSize - old);
    const text = `Resizing volume ${v.name} from ${old} to ${newSize} bytes`;
    if (v.pool_id === null) {
      // Not created yet: only the row and the counts change.
      await this.db.kysely.transaction().execute(async (trx) => {
        await this.services.limits.reserveAll(trx, v.account_id, { primary_storage: newSize - old });
        await volumeTransition(trx, volumeRef(v), 'OperationSucceeded', { size: newSize, disk_offering_id: offeringId });
        await this.volumes.event(trx, caller, v, 'VOLUME.RESIZE', text);
      });
      return loadVolume(this.db.kysely, id);
    }
    const poolId = v.pool_id;
    const factor = await this.factor();
    let ref = await this.db.kysely.transaction().execute(async (trx) => {
      if (grow > 0) {
        await this.services.limits.reserveAll(trx, v.account_id, { primary_storage: grow });
        if (!(await reservePool(trx, poolId, grow, factor))) throw new CloudError('InsufficientCapacity', `Storage pool of volume ${v.name} has no room for ${grow} more bytes`, { scope: 'StoragePool' });
      }
      return volumeTransition(trx, volumeRef(v), 'ResizeRequested');
    });
    try {
      const at = await this.hostFor(v);
      await agentSend(this.services, at.hostId, { type: 'ResizeVolume', volumeUuid: v.uuid, path: v.path!, size: newSize, ...(at.instanceName ? { instanceName: at.instanceName } : {}) });
    } catch (e) {
      await this.db.kysely.transaction().execute(async (trx) => {
        if (grow > 0) {
          await releasePool(trx, poolId, grow);
          await this.services.limits.releaseAll(trx, v.account_id, { primary_storage: grow });
        }
        await volumeTransition(trx, ref, 'OperationFailed');
        await this.volumes.event(trx, caller, v, 'VOLUME.RESIZE', `Failed: ${text}: ${(e as Error).message}`, 'ERROR');
      });
      throw e;
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      ref = await volumeTransition(trx, ref, 'OperationSucceeded', { size: newSize, disk_offering_id: offeringId });
      if (newSize < old) {
        await releasePool(trx, poolId, old - newSize);
        await this.services.limits.releaseAll(trx, v.account_id, { primary_storage: old - newSize });
      }
      await this.volumes.event(trx, caller, v, 'VOLUME.RESIZE', text);
    });
    return loadVolume(this.db.kysely, id);
  }

  /**
   * Moves a Ready volume to another pool of its zone (root admin): detached, on a stopped
   * VM, or live (`livemigrate`) under a running VM, to a pool the VM still reaches.
   */
  async migrate(caller: Caller, id: number, poolId: number, live: boolean): Promise<VolumeRow> {
    if (!isRootAdmin(caller)) throw permissionDenied('Only a root admin can migrate volumes');
    const v = await this.volumes.access(caller, id);
    if (v.state !== 'Ready' || v.pool_id === null || v.path === null) throw new CloudError('InvalidState', `Volume ${v.name} must be Ready on a storage pool to be migrated; it is ${v.state}`);
    if (v.pool_id === poolId) throw paramError(`Volume ${v.name} is already on the specified storage pool`);
    const dest = await this.db.kysely.selectFrom('storage_pools').selectAll().where('id', '=', poolId).where('removed', 'is', null).executeTakeFirst();
    if (!dest) throw paramError('Unable to find storage pool');
    if (dest.status !== 'Up') throw new CloudError('InvalidState', `Storage pool ${dest.name} is ${dest.status}; it takes no volumes`);
    if (dest.zone_id !== v.zone_id) throw paramError(`Storage pool ${dest.name} is not in the zone of volume ${v.name}`);
    const tags = v.disk_offering_id === null ? [] : splitTags((await this.volumes.offering(v.disk_offering_id).catch(() => ({ tags: null }))).tags);
    if (!tags.every((t) => splitTags(dest.tags).includes(t))) throw paramError(`Storage pool ${dest.name} does not have the storage tags of the volume's disk offering`);
    const vm = v.vm_id === null ? undefined : await loadVm(this.db, v.vm_id);
    if (vm && vm.state !== 'Running' && vm.state !== 'Stopped') throw new CloudError('InvalidState', `VM ${vm.instance_name} of volume ${v.name} is ${vm.state}`);
    if (vm?.state === 'Running' && !live) throw new CloudError('InvalidState', `Volume ${v.name} is attached to running VM ${vm.instance_name}: migrate it with livemigrate=true, or stop the VM`);
    if (vm) {
      const clusterId = vm.cluster_id ?? (await this.db.kysely.selectFrom('storage_pools').select('cluster_id').where('id', '=', v.pool_id).executeTakeFirstOrThrow()).cluster_id;
      if (dest.scope === 'CLUSTER' && dest.cluster_id !== clusterId) throw paramError(`Storage pool ${dest.name} cannot be reached from the cluster of VM ${vm.instance_name}`);
      if (dest.scope === 'HOST' && dest.host_id !== (vm.host_id ?? vm.last_host_id)) throw paramError(`Storage pool ${dest.name} is local to another host than VM ${vm.instance_name}'s`);
    }
    return this.relocate(caller, v, dest.id, vm?.state === 'Running');
  }

  /**
   * The copy itself: room on the destination reserved with Migrating, the agent copies (live
   * through the VM's host when `live`), the source disk goes, the room follows the volume.
   */
  async relocate(caller: Caller, v: VolumeRow, poolId: number, live: boolean): Promise<VolumeRow> {
    const id = v.id;
    const dest = await this.db.kysely.selectFrom('storage_pools').selectAll().where('id', '=', poolId).executeTakeFirstOrThrow();
    const vm = v.vm_id === null ? undefined : await loadVm(this.db, v.vm_id);
    const size = Number(v.size);
    const source = v.pool_id!;
    const factor = await this.factor();
    let ref = await this.db.kysely.transaction().execute(async (trx) => {
      if (!(await reservePool(trx, poolId, size, factor))) throw new CloudError('InsufficientCapacity', `Storage pool ${dest.name} has no room for volume ${v.name}`, { scope: 'StoragePool' });
      return volumeTransition(trx, volumeRef(v), 'MigrationRequested');
    });
    let path: string;
    try {
      const at = live && vm?.state === 'Running' ? { hostId: vm.host_id!, instanceName: vm.instance_name }
        : { hostId: await hostForPool(this.db.kysely, this.services, { id: dest.id, uuid: dest.uuid, name: dest.name, path: dest.path, scope: dest.scope, clusterId: dest.cluster_id, hostId: dest.host_id }, [vm?.last_host_id ?? null]) };
      const r = await agentSend(this.services, at.hostId, { type: 'MigrateVolume', volumeUuid: v.uuid, path: v.path!, destPoolPath: dest.path, ...(at.instanceName ? { instanceName: at.instanceName } : {}) });
      path = typeof r['path'] === 'string' ? r['path'] : `${dest.path}/${v.uuid}`;
      // The copy is in place; the source disk goes (a failure here leaves an orphan file, not a broken volume).
      await agentSend(this.services, at.hostId, { type: 'DeleteVolume', volumeUuid: v.uuid, path: v.path! }).catch(() => undefined);
    } catch (e) {
      await this.db.kysely.transaction().execute(async (trx) => {
        await releasePool(trx, poolId, size);
        await volumeTransition(trx, ref, 'OperationFailed');
        await this.volumes.event(trx, caller, v, 'VOLUME.MIGRATE', `Failed to migrate volume ${v.name} to pool ${dest.name}: ${(e as Error).message}`, 'ERROR');
      });
      throw e;
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      ref = await volumeTransition(trx, ref, 'OperationSucceeded', { pool_id: poolId, last_pool_id: source, path });
      await releasePool(trx, source, size);
      await this.volumes.event(trx, caller, v, 'VOLUME.MIGRATE', `Migrating volume ${v.name} to pool ${dest.name}${live ? ' (live)' : ''}`);
    });
    return loadVolume(this.db.kysely, id);
  }

  /**
   * extractVolume: the agent copies the disk to the zone's secondary storage, and an
   * expiring, unguessable URL on this server serves the copy (CloudStack's SSVM link).
   */
  async extract(caller: Caller, id: number, zoneId: number, mode: string): Promise<ExtractResult> {
    if (mode.toUpperCase() !== 'HTTP_DOWNLOAD') throw paramError('Please specify a valid extract Mode; only HTTP_DOWNLOAD is supported');
    const v = await this.volumes.access(caller, id);
    if (v.zone_id !== zoneId) throw paramError('Please specify a valid zone: the volume is not in that zone');
    if (v.state !== 'Ready' || v.pool_id === null || v.path === null) throw new CloudError('InvalidState', `Volume ${v.name} must be Ready on a storage pool to be extracted; it is ${v.state}`);
    if (v.vm_id !== null) {
      const vm = await loadVm(this.db, v.vm_id);
      if (vm.state !== 'Stopped') throw new CloudError('InvalidState', `Unable to extract volume ${v.name}: its VM ${vm.instance_name} is not stopped`);
    }
    const store = await this.db.kysely.selectFrom('image_stores').select(['id', 'path']).where('zone_id', '=', zoneId).where('removed', 'is', null).where('path', 'is not', null).orderBy('id').executeTakeFirst();
    if (!store?.path) throw new CloudError('ResourceUnavailable', 'The zone has no secondary storage to extract the volume to');
    await this.services.imageStores.requireAvailable(store.id);
    const extractUuid = randomUUID();
    const destPath = join(store.path, 'volumes', String(v.account_id), v.uuid, `${extractUuid}.img`);
    const at = await this.hostFor(v);
    const r = await agentSend(this.services, at.hostId, { type: 'CopyVolume', volumeUuid: v.uuid, path: v.path, destPath });
    const token = randomBytes(24).toString('hex');
    const now = Date.now();
    const ttl = (await this.services.config.getNumber('extract.url.expiration.interval')) || 14400;
    await this.db.kysely.transaction().execute(async (trx) => {
      await insertId(trx, this.db.dialect, 'volume_extracts', {
        uuid: extractUuid, volume_id: v.id, zone_id: zoneId, token, install_path: typeof r['path'] === 'string' ? r['path'] : destPath, expires: now + ttl * 1000, created: now,
      });
      await this.volumes.event(trx, caller, v, 'VOLUME.EXTRACT', `Extracting volume ${v.name}`);
    });
    const names = await this.db.kysely.selectFrom('zones as z').innerJoin('accounts as a', (j) => j.onTrue()).select(['z.uuid as zone_uuid', 'z.name as zone_name', 'a.uuid as account_uuid'])
      .where('z.id', '=', zoneId).where('a.id', '=', v.account_id).executeTakeFirstOrThrow();
    return { volume: v, extractUuid, accountUuid: names.account_uuid, created: now, zoneUuid: names.zone_uuid, zoneName: names.zone_name, url: `${this.baseUrl}/extract/volume/${token}/${v.uuid}.img` };
  }

  /** GET /extract/volume/:token/:file streams the copy while the link is valid. */
  registerRoutes(http: FastifyInstance): void {
    http.addHook('onListen', async () => {
      const a = http.server.address();
      if (a && typeof a === 'object') this.baseUrl = `http://${a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address}:${a.port}`;
    });
    http.get<{ Params: { token: string; file: string } }>('/extract/volume/:token/:file', async (req, reply) => {
      const row = await this.db.kysely.selectFrom('volume_extracts').select(['expires', 'install_path']).where('token', '=', req.params.token).executeTakeFirst();
      if (!row || row.expires < Date.now()) return reply.code(404).send('Not found or expired');
      const size = await stat(row.install_path).then((s) => s.size, () => -1);
      if (size < 0) return reply.code(404).send('Not found or expired');
      return reply.header('content-type', 'application/octet-stream').header('content-length', size).send(createReadStream(row.install_path));
    });
  }
}
