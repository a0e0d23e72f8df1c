/**
 * Secondary storage (image stores) per zone. `file://` stores are local directories that
 * the template area writes into; `nfs://` stores are recorded. By default a zone has at most
 * one store (`secondary.storage.per.zone.max`). A file:// store whose directory is gone or
 * unwritable is unavailable (a secondary storage outage): every operation that reads or writes
 * it fails with a clear error until it is back, and the alert monitor raises the alert.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import { CloudError, paramError } from '../../api/errors.js';
import { storageDirProblem } from '../../util/storage-dir.js';
import type { Caller } from '../caller.js';
import type { ConfigService } from '../config/config.service.js';
import type { Page } from '../paging.js';
import { imageStoreQuery, type ImageStoreRow, type TableProbe } from './infra.queries.js';
import { ensureDirectory, fsUsage, parseStorageUrl } from './storage-url.js';

const PROVIDERS = ['NFS'] as const;

export interface ImageStoreFilter {
  id?: number | undefined;
  name?: string | undefined;
  zoneId?: number | undefined;
  protocol?: string | undefined;
  provider?: string | undefined;
  readonly?: boolean | undefined;
  keyword?: string | undefined;
}

export class ImageStoreService {
  constructor(
    private readonly db: Db,
    private readonly config: ConfigService,
    private readonly probe: TableProbe,
  ) {}

  async get(id: number): Promise<ImageStoreRow> {
    const s = await imageStoreQuery(this.db.kysely).where('i.id', '=', id).executeTakeFirst();
    if (!s) throw paramError(`Unable to find image store`);
    return s;
  }

  async create(_caller: Caller, p: { name?: string | undefined; url?: string | undefined; zoneId?: number | undefined; provider: string }): Promise<ImageStoreRow> {
    const provider = PROVIDERS.find((x) => x.toLowerCase() === p.provider.trim().toLowerCase());
    if (!provider) throw paramError(`Image store provider ${p.provider} is not supported; use NFS`);
    if (!p.url) throw paramError('url is required for an NFS image store');
    if (p.zoneId === undefined) throw paramError('zoneid is required for an NFS image store');
    const zone = await this.db.kysely.selectFrom('zones').select(['id', 'name']).where('id', '=', p.zoneId).where('removed', 'is', null).executeTakeFirst();
    if (!zone) throw paramError(`Unable to find zone`);
    const u = parseStorageUrl(p.url, ['nfs', 'file']);
    const max = await this.config.getNumber('secondary.storage.per.zone.max');
    const uuid = randomUUID();
    let capacity: number | null = null;
    let used: number | null = null;
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      // Lock the zone row so two concurrent adds cannot both pass the per-zone limit.
      await trx.updateTable('zones').set((eb) => ({ zone_token: eb.ref('zone_token') })).where('id', '=', zone.id).execute();
      const stores = await trx.selectFrom('image_stores').select(['url']).where('zone_id', '=', zone.id).where('removed', 'is', null).execute();
      if (stores.some((s) => s.url === p.url)) throw paramError(`The image store ${p.url} is already added to zone ${zone.name}`);
      if (Number.isFinite(max) && max > 0 && stores.length >= max) {
        throw paramError(`Zone ${zone.name} already has ${stores.length} image store(s); secondary.storage.per.zone.max allows ${max}`);
      }
      if (u.local) {
        ensureDirectory(u.path);
        ({ total: capacity, used } = await fsUsage(u.path));
      }
      return insertId(trx, this.db.dialect, 'image_stores', {
        uuid, name: p.name || p.url, zone_id: zone.id, url: p.url, protocol: u.scheme, provider_name: provider,
        path: u.local ? u.path : null, role: 'Image', readonly: 0, capacity_bytes: capacity, used_bytes: used, outage_since: null, outage_reason: null, created: Date.now(), removed: null,
      });
    });
    return this.get(id);
  }

  async delete(_caller: Caller, id: number): Promise<void> {
    const s = await this.get(id);
    const refCol = (await this.probe.has('template_store_refs', 'store_id')) ? 'store_id' : 'image_store_id';
    if (await this.probe.count('template_store_refs', { [refCol]: id })) throw paramError('Cannot delete image store with active templates backup!');
    const snapCol = (await this.probe.has('snapshot_store_refs', 'store_id')) ? 'store_id' : 'image_store_id';
    if (await this.probe.count('snapshot_store_refs', { [snapCol]: id })) throw paramError('Cannot delete image store with active snapshots backup!');
    await this.db.kysely.updateTable('image_stores').set({ removed: Date.now() }).where('id', '=', s.id).execute();
  }

  async list(f: ImageStoreFilter, page: Page): Promise<{ rows: ImageStoreRow[]; count: number }> {
    let q = imageStoreQuery(this.db.kysely);
    if (f.id !== undefined) q = q.where('i.id', '=', f.id);
    if (f.name !== undefined) q = q.where('i.name', '=', f.name);
    if (f.zoneId !== undefined) q = q.where('i.zone_id', '=', f.zoneId);
    if (f.protocol !== undefined) q = q.where('i.protocol', '=', f.protocol.toLowerCase());
    if (f.provider !== undefined) q = q.where('i.provider_name', '=', f.provider.toUpperCase());
    if (f.readonly !== undefined) q = q.where('i.readonly', '=', f.readonly ? 1 : 0);
    if (f.keyword) q = q.where('i.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('i.id'));
  }

  /**
   * Secondary storage outage check, before an operation touches the store: throws
   * ResourceUnavailable ("Secondary storage … is not available: …") and records the outage
   * when a file:// store's directory cannot be used (the alert monitor raises the alert, and
   * marks the store available again once it is back); a store without a local directory is not checked.
   */
  async requireAvailable(storeId: number): Promise<void> {
    const k = this.db.kysely;
    const st = await k.selectFrom('image_stores').select(['id', 'name', 'path', 'outage_since']).where('id', '=', storeId).executeTakeFirst();
    if (!st?.path) return;
    const problem = await storageDirProblem(st.path);
    if (problem === null) return;
    if (st.outage_since === null) {
      await k.updateTable('image_stores').set({ outage_since: Date.now(), outage_reason: problem.slice(0, 255) }).where('id', '=', st.id).where('outage_since', 'is', null).execute();
    }
    throw new CloudError('ResourceUnavailable', `Secondary storage ${st.name} is not available: ${problem}`);
  }

  /** The zone's image store (the oldest writable one), or undefined when it has none yet. */
  async imageStoreForZone(zoneId: number): Promise<ImageStoreRow | undefined> {
    return imageStoreQuery(this.db.kysely).where('i.zone_id', '=', zoneId).where('i.role', '=', 'Image').where('i.readonly', '=', 0).orderBy('i.id').executeTakeFirst();
  }

  /** Every writable image store of the zone, oldest first. */
  async imageStoresForZone(zoneId: number): Promise<ImageStoreRow[]> {
    return imageStoreQuery(this.db.kysely).where('i.zone_id', '=', zoneId).where('i.role', '=', 'Image').where('i.readonly', '=', 0).orderBy('i.id').execute();
  }
}
