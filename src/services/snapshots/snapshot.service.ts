/**
 * Volume snapshots (the seed's "Working with Snapshots"): taken on primary storage by the
 * agent, backed up to the zone's secondary storage, then removed from primary. Backups are
 * incremental: each stores what changed since its parent; every `snapshot.delta.max`-th one
 * of a chain is full (CloudStack's rule: full + delta.max − 1 deltas, then a new full).
 *
 * Deleting a snapshot that a later delta still needs: the snapshot is gone for the user
 * (Destroyed, removed, limits given back) but its backup's data stays on secondary storage
 * until no live delta depends on it, then it is deleted — walking up the chain. This is
 * CloudStack's own choice (XenServer/KVM strategies): merging a delta into its child would
 * move data on every delete and need a merge in every driver; keeping it costs secondary
 * space only until the chain's next full backup ages out, which `snapshot.delta.max` bounds.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { CloudError, paramError } from '../../api/errors.js';
import { insertId, type Db } from '../../db/dialect.js';
import type { SnapshotsTable } from '../../db/schema/snapshots.js';
import { snapshotTransition, type SnapshotEvent } from '../../orchestration/state/snapshot-state.js';
import { volumeRef, volumeTransition } from '../../orchestration/state/volume-state.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';
import { StorageHosts } from './placement.js';

export type SnapshotRow = Selectable<SnapshotsTable>;

export interface AllocateInput {
  volumeId: number;
  name?: string | undefined;
  /** A recurring snapshot names its policy; a manual one has none. */
  policy?: { id: number; intervalType: string } | undefined;
  /** When the snapshot is requested (the scheduler's clock); defaults to now. */
  at?: number | undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** CloudStack's snapshot name stamp: yyyyMMddHHmmss in UTC. */
export const stamp = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
};

export class SnapshotService {
  readonly hosts: StorageHosts;

  constructor(readonly db: Db, private readonly services: Services) {
    this.hosts = new StorageHosts(db, services);
  }

  async get(id: number, includeRemoved = false): Promise<SnapshotRow> {
    let q = this.db.kysely.selectFrom('snapshots').selectAll().where('id', '=', id);
    if (!includeRemoved) q = q.where('removed', 'is', null);
    const r = await q.executeTakeFirst();
    if (!r) throw paramError('Unable to find snapshot');
    return r;
  }

  /** The snapshot, if the caller may act on it (531 otherwise). */
  async access(caller: Caller, id: number): Promise<SnapshotRow> {
    const s = await this.get(id);
    this.services.scoper.checkAccess(caller, { accountId: s.account_id, domainId: s.domain_id, domainPath: await this.services.scoper.domainPath(s.domain_id) }, 'snapshot');
    return s;
  }

  /** The volume, if the caller may act on it and it can be snapshotted. */
  async volumeFor(caller: Caller, volumeId: number) {
    const v = await this.db.kysely.selectFrom('volumes').selectAll().where('id', '=', volumeId).where('removed', 'is', null).executeTakeFirst();
    if (!v) throw paramError('Unable to find volume');
    this.services.scoper.checkAccess(caller, { accountId: v.account_id, domainId: v.domain_id, domainPath: await this.services.scoper.domainPath(v.domain_id) }, 'volume');
    return v;
  }

  /**
   * The request half of createSnapshot (and of a policy run): checks, the `snapshot` limit
   * and the row in Allocated. The secondary storage limit is checked for the volume's size
   * (the most a backup can store) and counted with the real size once backed up.
   */
  async allocate(caller: Caller, p: AllocateInput): Promise<{ id: number; uuid: string }> {
    const v = await this.volumeFor(caller, p.volumeId);
    if (v.state !== 'Ready' || v.path === null) throw new CloudError('InvalidState', `VolumeId: ${v.uuid} is not in Ready state but ${v.state}. Cannot take snapshot.`);
    const store = await this.services.imageStores.imageStoreForZone(v.zone_id);
    if (!store) throw new CloudError('InvalidState', 'There is no secondary storage in the volume\'s zone to back the snapshot up to');
    await this.services.imageStores.requireAvailable(store.id);
    const vm = v.vm_id === null ? undefined : await this.db.kysely.selectFrom('vm_instances').select('name').where('id', '=', v.vm_id).executeTakeFirst();
    const at = p.at ?? Date.now();
    const uuid = randomUUID();
    const name = p.name ?? `${vm?.name ?? 'detached'}_${v.name}_${stamp(at)}`;
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      await this.services.limits.reserve(trx, v.account_id, 'snapshot', 1);
      await this.services.limits.check(v.account_id, 'secondary_storage', Number(v.size), trx);
      return insertId(trx, this.db.dialect, 'snapshots', {
        uuid, name, account_id: v.account_id, domain_id: v.domain_id, zone_id: v.zone_id, volume_id: v.id,
        snapshot_type: p.policy ? 'RECURRING' : 'MANUAL', interval_type: p.policy?.intervalType ?? null, policy_id: p.policy?.id ?? null,
        state: 'Allocated', size: Number(v.size), physical_size: 0, parent_id: null, chain_depth: 0, primary_path: null, msid: this.services.msid,
        // Real time, whatever the scheduler's clock says: the volume-status rule compares it with VM state changes.
        created: Date.now(), removed: null,
      });
    });
    return { id, uuid };
  }

  /**
   * The job half: snapshot on primary → backup (full or incremental) → remove from primary.
   * A failure leaves the snapshot in Error with its `snapshot` count given back; `recordFailure`
   * writes the ERROR event (a job writes its own).
   */
  async take(caller: Caller, id: number, opts: { recordFailure?: boolean } = {}): Promise<SnapshotRow> {
    const s = await this.get(id);
    const k = this.db.kysely;
    let state = await snapshotTransition(k, id, s.state, 'CreateRequested');
    let primary: { hostId: number; path: string } | undefined;
    try {
      const v = await k.selectFrom('volumes').selectAll().where('id', '=', s.volume_id).executeTakeFirstOrThrow();
      if (v.removed !== null || v.path === null) throw new CloudError('InvalidState', 'The volume was deleted before its snapshot was taken');
      const hostId = await this.hosts.forVolume(v);
      // The volume is Snapshotting while its point-in-time copy is taken (CloudStack's volume
      // state): no delete, resize, migration or detach meanwhile. The backup runs after.
      const vref = await volumeTransition(k, volumeRef(v), 'SnapshotRequested');
      const snap = await this.hosts.send(hostId, { type: 'Snapshot', volumeUuid: v.uuid, path: v.path, snapshotUuid: s.uuid })
        .finally(() => volumeTransition(k, vref, 'OperationSucceeded').catch(() => undefined));
      primary = { hostId, path: String(snap['path']) };
      state = await snapshotTransition(k, id, state, 'OperationSucceeded', { primary_path: primary.path });
      state = await snapshotTransition(k, id, state, 'BackupToSecondary');
      const store = await this.services.imageStores.imageStoreForZone(s.zone_id);
      if (!store) throw new CloudError('InvalidState', 'The zone has no secondary storage any more');
      await this.services.imageStores.requireAvailable(store.id);
      const parent = await this.parentFor(s, store.id);
      const backup = await this.hosts.send(hostId, {
        type: 'BackupSnapshot', snapshotUuid: s.uuid, primaryPath: primary.path, storeUrl: store.url,
        installDir: `snapshots/${s.account_id}/${s.volume_id}`, parentPath: parent?.install_path ?? null,
      });
      const physical = Number(backup['physicalSize']);
      const now = Date.now();
      await k.transaction().execute(async (trx) => {
        await snapshotTransition(trx, id, state, 'OperationSucceeded', {
          physical_size: physical, parent_id: parent?.snapshot_id ?? null, chain_depth: parent ? parent.chain_depth + 1 : 0, primary_path: null,
        });
        await insertId(trx, this.db.dialect, 'snapshot_store_refs', {
          snapshot_id: id, store_id: store.id, zone_id: s.zone_id, install_path: String(backup['path']), physical_size: physical,
          parent_snapshot_id: parent?.snapshot_id ?? null, created: now, removed: null,
        });
        await this.services.limits.increment(trx, s.account_id, 'secondary_storage', physical);
        await this.services.events.record({
          type: 'SNAPSHOT.CREATE', description: `Successfully created snapshot ${s.name} for volume ${v.uuid}`, userId: caller.userId,
          accountId: s.account_id, domainId: s.domain_id, resourceType: 'Snapshot', resourceUuid: s.uuid,
        }, trx);
      });
      // The backup is safe; a copy left on primary is only wasted space, so a failure here is not the snapshot's.
      await this.hosts.send(hostId, { type: 'DeleteSnapshot', path: primary.path }).catch(() => undefined);
      return this.get(id);
    } catch (e) {
      await this.fail(caller, s, state, e, opts.recordFailure === true);
      if (primary) await this.hosts.send(primary.hostId, { type: 'DeleteSnapshot', path: primary.path }).catch(() => undefined);
      throw e;
    }
  }

  private async fail(caller: Caller, s: SnapshotRow, state: string, e: unknown, record: boolean): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await snapshotTransition(trx, s.id, state, 'OperationFailed' satisfies SnapshotEvent, { primary_path: null });
      await this.services.limits.decrement(trx, s.account_id, 'snapshot', 1);
      if (record) {
        await this.services.events.record({
          type: 'SNAPSHOT.CREATE', level: 'ERROR', description: `Failed to create snapshot ${s.name}: ${e instanceof Error ? e.message : String(e)}`,
          userId: caller.userId, accountId: s.account_id, domainId: s.domain_id, resourceType: 'Snapshot', resourceUuid: s.uuid,
        }, trx);
      }
    });
  }

  /**
   * The backup the next one is a delta of: the volume's latest backup still on the store,
   * unless its chain already holds `snapshot.delta.max` backups (then a full one is due).
   */
  private async parentFor(s: SnapshotRow, storeId: number): Promise<{ snapshot_id: number; install_path: string; chain_depth: number } | undefined> {
    const last = await this.db.kysely.selectFrom('snapshot_store_refs as r').innerJoin('snapshots as s', 's.id', 'r.snapshot_id')
      .select(['r.snapshot_id', 'r.install_path', 's.chain_depth']).where('s.volume_id', '=', s.volume_id).where('r.store_id', '=', storeId)
      .where('r.removed', 'is', null).where('s.id', '<>', s.id).orderBy('s.id', 'desc').limit(1).executeTakeFirst();
    if (!last) return undefined;
    const deltaMax = Math.max(1, await this.services.config.getNumber('snapshot.delta.max'));
    return Number(last.chain_depth) + 1 >= deltaMax ? undefined : { ...last, chain_depth: Number(last.chain_depth) };
  }

  /** Backup paths from the chain's full backup to this snapshot's (what a restore reads). */
  async chainPaths(id: number): Promise<string[]> {
    const out: string[] = [];
    let cur: number | null = id;
    while (cur !== null) {
      const r = await this.db.kysely.selectFrom('snapshot_store_refs').select(['install_path', 'parent_snapshot_id']).where('snapshot_id', '=', cur)
        .where('removed', 'is', null).executeTakeFirst();
      if (!r) throw new CloudError('InvalidState', 'A backup this snapshot depends on is missing from secondary storage');
      out.unshift(r.install_path);
      cur = r.parent_snapshot_id;
    }
    return out;
  }

  /** deleteSnapshot: the user's snapshot goes; its data goes too unless a later delta needs it. */
  async delete(caller: Caller, id: number): Promise<void> {
    const s = await this.access(caller, id);
    if (s.state !== 'BackedUp' && s.state !== 'Error') throw new CloudError('InvalidState', `Can't delete snapshot ${s.uuid} with state ${s.state}`);
    await this.destroy(caller, s);
  }

  /** Also used by retention (the scheduler) with SYSTEM as caller. */
  async destroy(caller: Caller, s: SnapshotRow): Promise<void> {
    const k = this.db.kysely;
    const wasBackedUp = s.state === 'BackedUp';
    await snapshotTransition(k, s.id, s.state, 'DestroyRequested');
    try {
      if (wasBackedUp) await this.collect(s.id, s.zone_id);
    } catch (e) {
      await snapshotTransition(k, s.id, 'Destroying', 'OperationFailed');
      throw e;
    }
    await k.transaction().execute(async (trx) => {
      await snapshotTransition(trx, s.id, 'Destroying', 'OperationSucceeded', { removed: Date.now() });
      await this.services.limits.releaseAll(trx, s.account_id, { snapshot: wasBackedUp ? 1 : 0, secondary_storage: wasBackedUp ? Number(s.physical_size) : 0 });
      await this.services.events.record({
        type: 'SNAPSHOT.DELETE', description: `Successfully deleted snapshot ${s.name}`, userId: caller.userId, accountId: s.account_id,
        domainId: s.domain_id, resourceType: 'Snapshot', resourceUuid: s.uuid,
      }, trx);
    });
  }

  /**
   * Deletes the backup of snapshot `id` unless a live delta depends on it, then walks up to
   * its parent, which may now be unneeded too (a snapshot deleted earlier, kept for this one).
   */
  private async collect(id: number, zoneId: number): Promise<void> {
    const k = this.db.kysely;
    let cur: number | null = id;
    let first = true;
    while (cur !== null) {
      const ref = await k.selectFrom('snapshot_store_refs').selectAll().where('snapshot_id', '=', cur).where('removed', 'is', null).executeTakeFirst();
      if (!ref) break;
      if (!first) {
        // An ancestor is deleted only if its own snapshot is gone (removed) — else it still belongs to the user.
        const owner = await k.selectFrom('snapshots').select('removed').where('id', '=', cur).executeTakeFirst();
        if (!owner || owner.removed === null) break;
      }
      const children = await k.selectFrom('snapshot_store_refs').select('id').where('parent_snapshot_id', '=', cur).where('removed', 'is', null).limit(1).execute();
      if (children.length) break;
      const host = await this.hosts.inZone(zoneId);
      await this.hosts.send(host, { type: 'DeleteSnapshot', path: ref.install_path });
      await k.updateTable('snapshot_store_refs').set({ removed: Date.now() }).where('id', '=', ref.id).execute();
      cur = ref.parent_snapshot_id;
      first = false;
    }
  }
}
