/**
 * The seed's two restore paths. A volume from a snapshot: a new DATADISK (a root disk's
 * snapshot too — "treated as a regular data disk") restored at once from the backup chain
 * onto a pool that the snapshotted volume's cluster reaches (or a zone-wide pool), so it can
 * be attached where the original was. A template from a snapshot (its chain) or from a
 * volume whose VM is stopped: a private template in the zone's image store, counted against
 * the owner's template and secondary storage limits, listed by listTemplates like any other.
 */
import { randomUUID } from 'node:crypto';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import { releasePool } from '../../allocation/reserve.js';
import { insertId, type Db } from '../../db/dialect.js';
import { volumeRef, volumeTransition } from '../../orchestration/state/volume-state.js';
import { isRootAdmin, type Caller } from '../caller.js';
import type { Services } from '../index.js';
import { candidatePools, reserveOnPool, type Reach } from '../volumes/volume-place.js';
import { splitTags } from '../vms/contract.js';
import type { SnapshotService } from './snapshot.service.js';

export interface TemplateInput {
  name: string;
  displaytext?: string | undefined;
  ostypeid: number;
  snapshotid?: number | undefined;
  volumeid?: number | undefined;
  zoneid?: number | undefined;
  ispublic?: boolean | undefined;
  isfeatured?: boolean | undefined;
  passwordenabled?: boolean | undefined;
}

export class SnapshotRestoreService {
  constructor(private readonly db: Db, private readonly services: Services, private readonly snapshots: SnapshotService) {}

  private async backedUp(caller: Caller, snapshotId: number) {
    const s = await this.snapshots.access(caller, snapshotId);
    if (s.state !== 'BackedUp') throw new CloudError('InvalidState', `Snapshot ${s.uuid} is not backed up (state ${s.state})`);
    return s;
  }

  /** The secondary storage holding the snapshot's backup must be reachable (an outage fails the operation clearly). */
  private async backupReachable(snapshotId: number): Promise<void> {
    const refs = await this.db.kysely.selectFrom('snapshot_store_refs').select('store_id').distinct().where('snapshot_id', '=', snapshotId).where('removed', 'is', null).execute();
    for (const r of refs) await this.services.imageStores.requireAvailable(r.store_id);
  }

  /** createVolume with snapshotid, request half: the Allocated DATADISK of the snapshot's size, owner and zone. */
  async allocateVolume(caller: Caller, p: { snapshotId: number; name?: string | undefined; zoneId?: number | undefined }): Promise<{ id: number; uuid: string }> {
    const s = await this.backedUp(caller, p.snapshotId);
    if (p.zoneId !== undefined && p.zoneId !== s.zone_id) throw paramError('A volume from a snapshot is created in the snapshot\'s zone');
    await this.backupReachable(s.id);
    const orig = await this.db.kysely.selectFrom('volumes').select(['disk_offering_id']).where('id', '=', s.volume_id).executeTakeFirstOrThrow();
    const id = await this.db.kysely.transaction().execute((trx) => this.services.volumes.allocate(trx, caller, {
      accountId: s.account_id, domainId: s.domain_id, zoneId: s.zone_id, size: Number(s.size), diskOfferingId: orig.disk_offering_id, name: p.name,
    }));
    const v = await this.db.kysely.selectFrom('volumes').select('uuid').where('id', '=', id).executeTakeFirstOrThrow();
    return { id, uuid: v.uuid };
  }

  /** The job half: place the volume and restore the chain into it; a failure leaves it Allocated. */
  async restoreVolume(caller: Caller, volumeId: number, snapshotId: number): Promise<void> {
    const k = this.db.kysely;
    const s = await this.backedUp(caller, snapshotId);
    await this.backupReachable(s.id);
    const chain = await this.snapshots.chainPaths(s.id);
    const v = await k.selectFrom('volumes').selectAll().where('id', '=', volumeId).executeTakeFirstOrThrow();
    const orig = await k.selectFrom('volumes as v').leftJoin('storage_pools as p', 'p.id', 'v.pool_id')
      .select(['p.cluster_id', 'p.host_id', 'p.zone_id']).where('v.id', '=', s.volume_id).executeTakeFirstOrThrow();
    const reach: Reach = { zoneId: s.zone_id, clusterId: orig.cluster_id ?? null, hostId: orig.host_id ?? null };
    const tags = v.disk_offering_id === null ? [] : splitTags((await k.selectFrom('disk_offerings').select('tags').where('id', '=', v.disk_offering_id).executeTakeFirst())?.tags);
    const pools = await candidatePools(k, this.services, reach, tags, Number(v.size));
    let ref = volumeRef(v);
    const pool = await reserveOnPool(k, this.services, pools, Number(v.size), `volume ${v.name}`, async (trx, p) => {
      ref = await volumeTransition(trx, ref, 'CreateRequested', { pool_id: p.id });
    });
    try {
      const host = await this.snapshots.hosts.forVolume({ id: v.id, zone_id: v.zone_id, pool_id: pool.id, vm_id: null });
      const r = await this.snapshots.hosts.send(host, { type: 'CreateVolumeFromSnapshot', volumeUuid: v.uuid, poolPath: pool.path, size: Number(v.size), chain });
      await volumeTransition(k, ref, 'OperationSucceeded', { path: String(r['path']) });
    } catch (e) {
      await k.transaction().execute(async (trx) => {
        await releasePool(trx, pool.id, Number(v.size));
        await volumeTransition(trx, ref, 'OperationFailed', { pool_id: null });
        await this.services.volumes.event(trx, caller, v, 'VOLUME.CREATE', `Failed to create volume ${v.name} from snapshot ${s.uuid}: ${(e as Error).message}`, 'ERROR');
      });
      throw e;
    }
  }

  /** createTemplate, request half: checks, limits, and the template with its copy in progress. */
  async allocateTemplate(caller: Caller, p: TemplateInput): Promise<{ id: number; uuid: string; source: { snapshotId: number } | { volumeId: number } }> {
    if ((p.snapshotid === undefined) === (p.volumeid === undefined)) throw paramError('Failed to create private template record, need to specify snapshotId or volumeId');
    if (p.volumeid !== undefined && p.zoneid !== undefined) throw paramError('zoneid may be given with snapshotid only');
    let owner: { accountId: number; domainId: number; zoneId: number; size: number; hypervisor: string };
    if (p.snapshotid !== undefined) {
      const s = await this.backedUp(caller, p.snapshotid);
      if (p.zoneid !== undefined && p.zoneid !== s.zone_id) throw paramError('A template from a snapshot is created in the snapshot\'s zone');
      await this.backupReachable(s.id);
      owner = { accountId: s.account_id, domainId: s.domain_id, zoneId: s.zone_id, size: Number(s.size), hypervisor: await this.hypervisorOf(s.volume_id) };
    } else {
      const v = await this.snapshots.volumeFor(caller, p.volumeid!);
      if (v.state !== 'Ready' || v.path === null) throw new CloudError('InvalidState', `Volume ${v.name} is not Ready (state ${v.state})`);
      if (v.vm_id !== null) {
        const vm = await this.db.kysely.selectFrom('vm_instances').select('state').where('id', '=', v.vm_id).executeTakeFirstOrThrow();
        if (vm.state !== 'Stopped') throw new CloudError('InvalidState', 'The VM the specified disk is attached to is not in the right state to create a template; stop it first');
      }
      owner = { accountId: v.account_id, domainId: v.domain_id, zoneId: v.zone_id, size: Number(v.size), hypervisor: await this.hypervisorOf(v.id) };
    }
    if (p.isfeatured && !isRootAdmin(caller)) throw permissionDenied('Only admins can create featured templates');
    if (p.ispublic && !isRootAdmin(caller) && !(await this.services.config.getBoolean('allow.public.user.templates'))) throw permissionDenied('Only private templates/ISO can be created.');
    await this.services.guestOs.get(p.ostypeid);
    const store = await this.services.imageStores.imageStoreForZone(owner.zoneId);
    if (!store) throw new CloudError('InvalidState', 'There is no secondary storage in the zone to hold the template');
    await this.services.imageStores.requireAvailable(store.id);
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      // The template count as registerTemplate keeps it (deleteTemplate gives it back); templates are not counted as secondary storage yet.
      await this.services.limits.reserve(trx, owner.accountId, 'template', 1);
      const now = Date.now();
      const id = await insertId(trx, this.db.dialect, 'templates', {
        uuid, name: p.name, display_text: p.displaytext ?? p.name, format: 'QCOW2', is_iso: 0, hypervisor_type: owner.hypervisor, guest_os_id: p.ostypeid,
        account_id: owner.accountId, domain_id: owner.domainId, public: p.ispublic ? 1 : 0, featured: p.isfeatured ? 1 : 0, extractable: 0,
        password_enabled: p.passwordenabled ? 1 : 0, bootable: 1, template_type: 'USER', url: null, checksum: null, size: owner.size, state: 'Active',
        cross_zones: 0, created: now, removed: null,
      });
      // In progress from the start: the download worker only picks NOT_DOWNLOADED copies up.
      await insertId(trx, this.db.dialect, 'template_store_refs', {
        template_id: id, image_store_id: store.id, zone_id: owner.zoneId, download_state: 'DOWNLOAD_IN_PROGRESS', download_pct: 0, error_str: null,
        install_path: null, size: 0, physical_size: 0, source_ref_id: null, created: now, removed: null,
      });
      await this.services.templates.record(trx, caller, { id: owner.accountId, domainId: owner.domainId }, 'TEMPLATE.CREATE', `Creating template ${p.name} from ${p.snapshotid !== undefined ? 'a snapshot' : 'a volume'}`);
      return id;
    });
    return { id, uuid, source: p.snapshotid !== undefined ? { snapshotId: p.snapshotid } : { volumeId: p.volumeid! } };
  }

  /** createTemplate, job half: the agent writes the image; the copy becomes ready (or fails). */
  async fillTemplate(caller: Caller, templateId: number, source: { snapshotId: number } | { volumeId: number }): Promise<void> {
    const k = this.db.kysely;
    const t = await k.selectFrom('templates').selectAll().where('id', '=', templateId).executeTakeFirstOrThrow();
    const ref = await k.selectFrom('template_store_refs as r').innerJoin('image_stores as i', 'i.id', 'r.image_store_id')
      .select(['r.id', 'r.zone_id', 'r.image_store_id', 'i.url', 'i.path']).where('r.template_id', '=', templateId).executeTakeFirstOrThrow();
    try {
      await this.services.imageStores.requireAvailable(ref.image_store_id);
      if ('snapshotId' in source) await this.backupReachable(source.snapshotId);
      let host: number;
      let from: { chain: string[] } | { volumePath: string };
      if ('snapshotId' in source) {
        from = { chain: await this.snapshots.chainPaths(source.snapshotId) };
        host = await this.snapshots.hosts.inZone(ref.zone_id);
      } else {
        const v = await k.selectFrom('volumes').selectAll().where('id', '=', source.volumeId).executeTakeFirstOrThrow();
        if (v.removed !== null || v.path === null) throw new CloudError('InvalidState', 'The volume went away before the template was made');
        from = { volumePath: v.path };
        host = await this.snapshots.hosts.forVolume(v);
      }
      // The same layout as downloaded templates (template/tmpl/<account>/<id>), under a local store's directory.
      const dir = `template/tmpl/${t.account_id}/${t.id}`;
      const r = await this.snapshots.hosts.send(host, {
        type: 'CreateTemplate', templateUuid: t.uuid, storeUrl: ref.url, installDir: ref.path ? `${ref.path.replace(/\/+$/, '')}/${dir}` : dir, size: Number(t.size), ...from,
      });
      await k.updateTable('template_store_refs').set({ download_state: 'DOWNLOADED', download_pct: 100, install_path: String(r['path']), size: Number(r['size']), physical_size: Number(r['physicalSize']) })
        .where('id', '=', ref.id).execute();
    } catch (e) {
      await k.transaction().execute(async (trx) => {
        await trx.updateTable('template_store_refs').set({ download_state: 'DOWNLOAD_ERROR', error_str: (e as Error).message.slice(0, 255) }).where('id', '=', ref.id).execute();
        await this.services.templates.record(trx, caller, { id: t.account_id, domainId: t.domain_id }, 'TEMPLATE.CREATE', `Failed to create template ${t.name}: ${(e as Error).message}`);
      });
      throw e;
    }
  }

  /** The hypervisor a template of this volume is for: its template's, else its pool's cluster's. */
  private async hypervisorOf(volumeId: number): Promise<string> {
    const r = await this.db.kysely.selectFrom('volumes as v').leftJoin('templates as t', 't.id', 'v.template_id').leftJoin('storage_pools as p', 'p.id', 'v.pool_id')
      .leftJoin('clusters as c', 'c.id', 'p.cluster_id').select(['t.hypervisor_type as tpl', 'c.hypervisor_type as cluster']).where('v.id', '=', volumeId).executeTakeFirst();
    return r?.tpl && r.tpl !== 'None' ? r.tpl : r?.cluster ?? 'Simulator';
  }
}
