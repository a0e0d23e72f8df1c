/**
 * Templates and ISOs (CloudStack TemplateManagerImpl / TemplateAdapterBase): registration
 * from a URL into every chosen zone's secondary storage, privacy (public, private, shared
 * through launch permissions), listing filters, per-zone deletion and copies.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import type { ConfigService } from '../config/config.service.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import type { Services } from '../index.js';
import { parseChecksum } from './image-format.js';
import { validateImageUrl } from './fetch-image.js';
import { canSee, templateQuery, type TemplateRow, type TemplateZoneRow } from './template.queries.js';

export const FORMATS = ['QCOW2', 'RAW', 'VHD', 'OVA'] as const;
export type TemplateFilter = 'featured' | 'self' | 'selfexecutable' | 'sharedexecutable' | 'executable' | 'community' | 'all';
const FILTERS: TemplateFilter[] = ['featured', 'self', 'selfexecutable', 'sharedexecutable', 'executable', 'community', 'all'];

export interface RegisterInput {
  iso: boolean; name: string; displayText?: string | undefined; url: string; format?: string | undefined; hypervisor?: string | undefined;
  osTypeId?: number | undefined; zoneId?: number | undefined; isPublic?: boolean | undefined; featured?: boolean | undefined;
  extractable?: boolean | undefined; passwordEnabled?: boolean | undefined; bootable?: boolean | undefined; checksum?: string | undefined;
  account?: string | undefined; domainId?: number | undefined;
}

export class TemplateService {
  /** Called after new store refs are created (the download worker's kick). */
  onQueued: () => void = () => {};
  /** Tests: a size limit below max.template.iso.size's whole GB, in bytes. */
  maxBytesOverride: number | undefined;

  constructor(private readonly db: Db, private readonly config: ConfigService, private readonly events: EventService, private readonly services: Services) {}

  async get(id: number): Promise<TemplateRow> {
    const t = await templateQuery(this.db.kysely).where('t.id', '=', id).where('t.removed', 'is', null).executeTakeFirst();
    if (!t) throw paramError('Unable to find template with specified id');
    return t;
  }

  /** Privacy check for every read: 431-like not-found unless the caller may see it. */
  async getVisible(caller: Caller, id: number, iso?: boolean): Promise<TemplateRow> {
    const t = await this.get(id);
    if (iso !== undefined && (t.is_iso === 1) !== iso) throw paramError(`Unable to find ${iso ? 'ISO' : 'template'} with specified id`);
    if (!canSee(caller, t, await this.sharedWith(t.id, caller.accountId))) throw permissionDenied(`Account ${caller.accountName} does not have permission to access this template`);
    return t;
  }

  /** For changes: owner, or an admin above the owner's domain. */
  async getOwned(caller: Caller, id: number, iso?: boolean): Promise<TemplateRow> {
    const t = await this.getVisible(caller, id, iso);
    this.services.scoper.checkAccess(caller, { accountId: t.account_id, domainId: t.domain_id, domainPath: t.domain_path }, iso ? 'ISO' : 'template');
    return t;
  }

  /** The local file of a template downloaded in a zone (for the VM area), or undefined. */
  async readyPathInZone(templateId: number, zoneId: number): Promise<string | undefined> {
    const r = await this.db.kysely.selectFrom('template_store_refs').select('install_path').where('template_id', '=', templateId).where('zone_id', '=', zoneId)
      .where('download_state', '=', 'DOWNLOADED').where('removed', 'is', null).executeTakeFirst();
    return r?.install_path ?? undefined;
  }

  async register(caller: Caller, p: RegisterInput): Promise<TemplateRow> {
    const format = p.iso ? 'ISO' : (p.format ?? '').toUpperCase();
    if (!p.iso && !(FORMATS as readonly string[]).includes(format)) throw paramError(`Format ${p.format} is not supported; use one of ${FORMATS.join(', ')}`);
    try { validateImageUrl(p.url); } catch (e) { throw paramError((e as Error).message); }
    if (p.checksum) parseChecksum(p.checksum);
    if (p.isPublic && !isRootAdmin(caller) && !(await this.config.getBoolean('allow.public.user.templates'))) throw permissionDenied('Only private templates/ISO can be created.');
    if (p.featured && !isRootAdmin(caller)) throw permissionDenied('Only admins can create featured templates');
    const owner = p.account !== undefined ? await this.services.scoper.accountByName(caller, p.account, p.domainId) : { id: caller.accountId, domainId: caller.domainId };
    const os = p.osTypeId ?? (await this.services.guestOs.byName('Other (64-bit)'))!.id;
    await this.services.guestOs.get(os);
    const zones = await this.targetZones(p.zoneId);
    const limits = (this.services as Partial<Services>).limits;
    await limits?.check(owner.id, 'template', 1);
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const now = Date.now();
      const id = await insertId(trx, this.db.dialect, 'templates', {
        uuid: randomUUID(), name: p.name, display_text: p.displayText ?? p.name, format: format as 'ISO', is_iso: p.iso ? 1 : 0,
        hypervisor_type: p.iso ? 'None' : (p.hypervisor ?? 'KVM'), guest_os_id: os, account_id: owner.id, domain_id: owner.domainId,
        public: p.isPublic ? 1 : 0, featured: p.featured ? 1 : 0, extractable: p.extractable ? 1 : 0, password_enabled: p.passwordEnabled ? 1 : 0,
        bootable: p.iso ? (p.bootable === false ? 0 : 1) : 1, template_type: 'USER', url: p.url, checksum: p.checksum ?? null, size: 0,
        state: 'Active', cross_zones: p.zoneId === undefined ? 1 : 0, created: now, removed: null,
      });
      for (const z of zones) await this.addRef(trx, id, z.zoneId, z.storeId, null);
      await limits?.increment(trx, owner.id, 'template', 1);
      await this.record(trx, caller, owner, p.iso ? 'ISO.CREATE' : 'TEMPLATE.CREATE', `Registered ${p.iso ? 'ISO' : 'template'} ${p.name}`);
      return id;
    });
    this.onQueued();
    return this.get(id);
  }

  async addRef(trx: Kysely<Database>, templateId: number, zoneId: number, storeId: number, sourceRefId: number | null): Promise<number> {
    return insertId(trx, this.db.dialect, 'template_store_refs', {
      template_id: templateId, image_store_id: storeId, zone_id: zoneId, download_state: 'NOT_DOWNLOADED', download_pct: 0, error_str: null,
      install_path: null, size: 0, physical_size: 0, source_ref_id: sourceRefId, created: Date.now(), removed: null,
    });
  }

  /** Throws the clear "Secondary storage … is not available" error during a secondary storage outage. */
  async storeAvailable(storeId: number): Promise<void> {
    await this.services.imageStores.requireAvailable(storeId);
  }

  /** zoneid -1/absent: every zone with secondary storage. */
  private async targetZones(zoneId: number | undefined): Promise<Array<{ zoneId: number; storeId: number }>> {
    let q = this.db.kysely.selectFrom('image_stores').select(['id', 'zone_id']).where('removed', 'is', null).where('zone_id', 'is not', null).orderBy('id');
    if (zoneId !== undefined) q = q.where('zone_id', '=', zoneId);
    const seen = new Map<number, number>();
    for (const s of await q.execute()) if (!seen.has(s.zone_id!)) seen.set(s.zone_id!, s.id);
    if (zoneId !== undefined && seen.size === 0) throw paramError('Failed to find a secondary storage in the specified zone');
    for (const storeId of seen.values()) await this.services.imageStores.requireAvailable(storeId);
    return [...seen].map(([z, s]) => ({ zoneId: z, storeId: s }));
  }

  async sharedWith(templateId: number, accountId: number): Promise<boolean> {
    return !!(await this.db.kysely.selectFrom('launch_permissions').select('id').where('template_id', '=', templateId).where('account_id', '=', accountId).executeTakeFirst());
  }

  async list(caller: Caller, f: { iso: boolean; filter: string; id?: number | undefined; name?: string | undefined; keyword?: string | undefined; zoneId?: number | undefined; hypervisor?: string | undefined; isReady?: boolean | undefined; bootable?: boolean | undefined; isPublic?: boolean | undefined; accountId?: number | undefined }, page: Page): Promise<{ rows: TemplateZoneRow[]; count: number }> {
    const filter = f.filter.toLowerCase() as TemplateFilter;
    if (!FILTERS.includes(filter)) throw paramError(`Invalid ${f.iso ? 'iso' : 'template'} filter ${f.filter}`);
    const k = this.db.kysely;
    let q = templateQuery(k)
      .leftJoin('template_store_refs as r', (j) => j.onRef('r.template_id', '=', 't.id').on('r.removed', 'is', null))
      .leftJoin('zones as z', 'z.id', 'r.zone_id')
      .select(['r.id as ref_id', 'z.uuid as zone_uuid', 'z.name as zone_name', 'r.download_state', 'r.download_pct', 'r.error_str', 'r.size as ref_size', 'r.physical_size'])
      .where('t.removed', 'is', null).where('t.is_iso', '=', f.iso ? 1 : 0).where('t.state', '=', 'Active');
    const me = f.accountId ?? caller.accountId;
    const shared = (eb: any) => eb('t.id', 'in', eb.selectFrom('launch_permissions').select('template_id').where('account_id', '=', me));
    const ready = filter === 'selfexecutable' || filter === 'sharedexecutable' || filter === 'executable';
    switch (filter) {
      case 'featured': q = q.where('t.featured', '=', 1); break;
      case 'community': q = q.where('t.public', '=', 1).where('t.featured', '=', 0); break;
      case 'self': case 'selfexecutable': q = q.where('t.account_id', '=', me); break;
      case 'sharedexecutable': q = q.where(shared); break;
      case 'executable': q = q.where((eb) => eb.or([eb('t.account_id', '=', me), eb('t.public', '=', 1), shared(eb)])); break;
      case 'all':
        if (isRootAdmin(caller)) break;
        q = q.where((eb) => eb.or([eb('t.public', '=', 1), eb('t.account_id', '=', me), shared(eb),
          ...(caller.roleType === 'User' ? [] : [eb('d.path', 'like', `${caller.domainPath.replace(/[\\%_]/g, (c) => '\\' + c)}%`)])]));
    }
    if (filter === 'featured' || filter === 'community') q = q.where((eb) => eb.or([eb('t.public', '=', 1), eb('t.account_id', '=', me), shared(eb)]));
    if (ready || f.isReady) q = q.where('r.download_state', '=', 'DOWNLOADED');
    if (f.id !== undefined) q = q.where('t.id', '=', f.id);
    if (f.name !== undefined) q = q.where('t.name', '=', f.name);
    if (f.keyword) q = q.where('t.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    if (f.zoneId !== undefined) q = q.where('r.zone_id', '=', f.zoneId);
    if (f.hypervisor !== undefined) q = q.where('t.hypervisor_type', '=', f.hypervisor);
    if (f.bootable !== undefined) q = q.where('t.bootable', '=', f.bootable ? 1 : 0);
    if (f.isPublic !== undefined) q = q.where('t.public', '=', f.isPublic ? 1 : 0);
    return page.run(q.orderBy('t.id').orderBy('r.id')) as Promise<{ rows: TemplateZoneRow[]; count: number }>;
  }

  async update(caller: Caller, id: number, iso: boolean, p: { name?: string | undefined; displayText?: string | undefined; osTypeId?: number | undefined; passwordEnabled?: boolean | undefined; bootable?: boolean | undefined; format?: string | undefined }): Promise<TemplateRow> {
    const t = await this.getOwned(caller, id, iso);
    const set: Record<string, unknown> = {};
    if (p.name !== undefined) set['name'] = p.name;
    if (p.displayText !== undefined) set['display_text'] = p.displayText;
    if (p.osTypeId !== undefined) { await this.services.guestOs.get(p.osTypeId); set['guest_os_id'] = p.osTypeId; }
    if (p.passwordEnabled !== undefined) set['password_enabled'] = p.passwordEnabled ? 1 : 0;
    if (p.bootable !== undefined) set['bootable'] = p.bootable ? 1 : 0;
    if (p.format !== undefined) {
      if (iso || !(FORMATS as readonly string[]).includes(p.format.toUpperCase())) throw paramError(`Format ${p.format} is not supported`);
      set['format'] = p.format.toUpperCase();
    }
    if (Object.keys(set).length) await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('templates').set(set).where('id', '=', t.id).execute();
      await this.record(trx, caller, { id: t.account_id, domainId: t.domain_id }, iso ? 'ISO.UPDATE' : 'TEMPLATE.UPDATE', `Updated ${t.name}`);
    });
    return this.get(id);
  }

  async record(trx: Kysely<Database>, caller: Caller, owner: { id: number; domainId: number }, type: string, description: string, uuid?: string): Promise<void> {
    await this.events.record({ type, description, userId: caller.userId, accountId: owner.id, domainId: owner.domainId, resourceType: 'VirtualMachineTemplate', resourceUuid: uuid ?? null }, trx);
  }
}
