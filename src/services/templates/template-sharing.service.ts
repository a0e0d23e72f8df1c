/**
 * Launch permissions, per-zone deletion and copies between zones (TemplateManagerImpl
 * updateTemplateOrIsoPermissions / delete / copy).
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Db } from '../../db/dialect.js';
import { paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import type { Services } from '../index.js';
import type { TemplateService } from './template.service.js';

export class TemplateSharingService {
  constructor(private readonly db: Db, private readonly templates: TemplateService, private readonly services: Services) {}

  async updatePermissions(caller: Caller, id: number, iso: boolean, p: { op?: string | undefined; accounts?: string[] | undefined; projectIds?: number[] | undefined; isPublic?: boolean | undefined; featured?: boolean | undefined; extractable?: boolean | undefined }): Promise<void> {
    const t = await this.templates.getOwned(caller, id, iso);
    if (t.template_type === 'BUILTIN' && !isRootAdmin(caller)) throw permissionDenied('Only root admins can change the built-in template');
    if (p.isPublic && !isRootAdmin(caller) && !(await this.services.config.getBoolean('allow.public.user.templates'))) throw permissionDenied('Only private templates/ISO can be created.');
    if (p.featured !== undefined && !isRootAdmin(caller)) throw permissionDenied('Only admins can update the featured flag');
    const op = p.op?.toLowerCase();
    if ((p.accounts?.length || p.projectIds?.length) && !op) throw paramError('op is required with accounts or projectids');
    if (op && !['add', 'remove', 'reset'].includes(op)) throw paramError(`Invalid operation ${p.op}; use add, remove or reset`);
    if (op && op !== 'reset' && !p.accounts?.length && !p.projectIds?.length) throw paramError('accounts or projectids is required with op ' + op);
    // Accounts are named within the owner's domain (CloudStack looks them up there).
    const accountIds: number[] = [];
    for (const name of p.accounts ?? []) {
      const a = await this.db.kysely.selectFrom('accounts').select('id').where('account_name', '=', name).where('domain_id', '=', t.domain_id).where('removed', 'is', null).executeTakeFirst();
      if (!a) throw paramError(`Unable to find account ${name} in the template owner's domain`);
      accountIds.push(a.id);
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      const set: Record<string, number> = {};
      if (p.isPublic !== undefined) set['public'] = p.isPublic ? 1 : 0;
      if (p.featured !== undefined) set['featured'] = p.featured ? 1 : 0;
      if (p.extractable !== undefined) set['extractable'] = p.extractable ? 1 : 0;
      if (Object.keys(set).length) await trx.updateTable('templates').set(set).where('id', '=', t.id).execute();
      if (op === 'reset') await trx.deleteFrom('launch_permissions').where('template_id', '=', t.id).execute();
      if (op === 'remove' && accountIds.length) await trx.deleteFrom('launch_permissions').where('template_id', '=', t.id).where('account_id', 'in', accountIds).execute();
      if (op === 'add') {
        const have = new Set((await trx.selectFrom('launch_permissions').select('account_id').where('template_id', '=', t.id).execute()).map((r) => r.account_id));
        for (const a of accountIds) if (!have.has(a) && a !== t.account_id) await trx.insertInto('launch_permissions').values({ template_id: t.id, account_id: a }).execute();
      }
      await this.templates.record(trx, caller, { id: t.account_id, domainId: t.domain_id }, iso ? 'ISO.UPDATE' : 'TEMPLATE.UPDATE', `Updated permissions of ${t.name}`);
    });
  }

  async listPermissions(caller: Caller, id: number, iso: boolean): Promise<{ uuid: string; isPublic: boolean; domainUuid: string; accounts: string[] }> {
    const t = await this.templates.getOwned(caller, id, iso);
    const rows = await this.db.kysely.selectFrom('launch_permissions as l').innerJoin('accounts as a', 'a.id', 'l.account_id').select('a.account_name')
      .where('l.template_id', '=', t.id).orderBy('l.id').execute();
    return { uuid: t.uuid, isPublic: t.public === 1, domainUuid: t.domain_uuid, accounts: rows.map((r) => r.account_name) };
  }

  /**
   * Deletes the copy in one zone, or every copy; the built-in template goes from all zones
   * at once. The row stays (Inactive) while VMs still reference it, so they keep running.
   */
  async delete(caller: Caller, id: number, iso: boolean, zoneId: number | undefined): Promise<void> {
    const t = await this.templates.getOwned(caller, id, iso);
    if (t.template_type === 'BUILTIN' && !isRootAdmin(caller)) throw permissionDenied('Only root admins can delete the built-in template');
    if (t.template_type === 'BUILTIN') zoneId = undefined;
    let q = this.db.kysely.selectFrom('template_store_refs').selectAll().where('template_id', '=', t.id).where('removed', 'is', null);
    if (zoneId !== undefined) q = q.where('zone_id', '=', zoneId);
    const refs = await q.execute();
    if (zoneId !== undefined && refs.length === 0) throw paramError(`The ${iso ? 'ISO' : 'template'} is not present in the specified zone`);
    await this.db.kysely.transaction().execute(async (trx) => {
      const now = Date.now();
      for (const r of refs) await trx.updateTable('template_store_refs').set({ removed: now, download_state: r.download_state === 'DOWNLOADED' ? 'DOWNLOADED' : 'ABANDONED' }).where('id', '=', r.id).execute();
      const left = await trx.selectFrom('template_store_refs').select('id').where('template_id', '=', t.id).where('removed', 'is', null).executeTakeFirst();
      if (!left) {
        const col = iso ? 'iso_id' : 'template_id';
        const used = await trx.selectFrom('vm_instances').select('id').where(col, '=', t.id).where('removed', 'is', null).executeTakeFirst();
        await trx.updateTable('templates').set(used ? { state: 'Inactive' } : { removed: now }).where('id', '=', t.id).execute();
        if (t.template_type === 'USER') await (this.services as Partial<Services>).limits?.decrement(trx, t.account_id, 'template', 1);
      }
      await this.templates.record(trx, caller, { id: t.account_id, domainId: t.domain_id }, iso ? 'ISO.DELETE' : 'TEMPLATE.DELETE', `Deleted ${t.name}${zoneId !== undefined ? ' from one zone' : ''}`, t.uuid);
    });
    for (const r of refs) if (r.install_path) await rm(dirname(r.install_path), { recursive: true, force: true });
  }

  /** Queues a copy of the template's ready file from one zone to another; returns the new ref id. */
  async copy(caller: Caller, id: number, iso: boolean, sourceZoneId: number | undefined, destZoneId: number): Promise<number> {
    const t = await this.templates.getVisible(caller, id, iso);
    if (caller.roleType === 'User' && t.account_id !== caller.accountId && t.public !== 1) throw permissionDenied('Only public or owned templates can be copied');
    let sq = this.db.kysely.selectFrom('template_store_refs').selectAll().where('template_id', '=', t.id).where('removed', 'is', null).where('download_state', '=', 'DOWNLOADED');
    if (sourceZoneId !== undefined) sq = sq.where('zone_id', '=', sourceZoneId);
    const src = await sq.orderBy('id').executeTakeFirst();
    if (!src) throw paramError(`The ${iso ? 'ISO' : 'template'} is not ready in the source zone`);
    if (sourceZoneId === destZoneId) throw paramError('Please specify different source and destination zones.');
    const existing = await this.db.kysely.selectFrom('template_store_refs').select(['id', 'download_state']).where('template_id', '=', t.id).where('zone_id', '=', destZoneId).where('removed', 'is', null).executeTakeFirst();
    if (existing && existing.download_state !== 'DOWNLOAD_ERROR') return existing.id;
    const store = await this.db.kysely.selectFrom('image_stores').select('id').where('zone_id', '=', destZoneId).where('removed', 'is', null).orderBy('id').executeTakeFirst();
    if (!store) throw paramError('Failed to find a secondary storage in the destination zone');
    await this.services.imageStores.requireAvailable(src.image_store_id);
    await this.services.imageStores.requireAvailable(store.id);
    const refId = await this.db.kysely.transaction().execute(async (trx) => {
      if (existing) await trx.updateTable('template_store_refs').set({ removed: Date.now() }).where('id', '=', existing.id).execute();
      const r = await this.templates.addRef(trx, t.id, destZoneId, store.id, src.id);
      await this.templates.record(trx, caller, { id: t.account_id, domainId: t.domain_id }, iso ? 'ISO.COPY' : 'TEMPLATE.COPY', `Copying ${t.name} to another zone`);
      return r;
    });
    this.templates.onQueued();
    return refId;
  }

  /** Waits until a ref is downloaded (or fails), for copy jobs. */
  async waitForRef(refId: number, timeoutMs = 3_600_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.db.kysely.selectFrom('template_store_refs').select(['download_state', 'error_str']).where('id', '=', refId).executeTakeFirstOrThrow();
      if (r.download_state === 'DOWNLOADED') return;
      if (r.download_state === 'DOWNLOAD_ERROR' || r.download_state === 'ABANDONED') throw paramError(`Failed to copy: ${r.error_str ?? r.download_state}`);
      if (Date.now() > end) throw paramError('Timed out copying the template');
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}
