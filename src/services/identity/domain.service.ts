/** The domain tree: create, rename, delete (optionally with everything in it), list. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { insertId, likePattern, likeInsensitive } from '../../db/dialect.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin, ROOT_DOMAIN_ID } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import { domainQuery, lockDomainRow, type DomainRow } from './identity.queries.js';
import type { Scoper } from './scope.js';
import { underPath } from './scope.js';
import type { AccountService } from './account.service.js';
import type { Page } from '../paging.js';

const NETWORK_DOMAIN_RE = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export class DomainService {
  accounts!: AccountService;
  /** Called after a change that cached callers may hold (a domain's path). */
  onChange: () => void = () => {};
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
  ) {}

  async get(id: number): Promise<DomainRow> {
    const d = await domainQuery(this.db.kysely).where('d.id', '=', id).executeTakeFirst();
    if (!d) throw paramError('Unable to find domain by id');
    return d as DomainRow;
  }

  async create(caller: Caller, p: { name: string; parentId?: number | undefined; networkDomain?: string | undefined; uuid?: string | undefined }): Promise<DomainRow> {
    const parentId = p.parentId ?? caller.domainId;
    const parentPath = await this.scoper.checkDomainAccess(caller, parentId);
    if (caller.roleType === 'User') throw permissionDenied('Users cannot create domains');
    if (p.networkDomain && !NETWORK_DOMAIN_RE.test(p.networkDomain)) throw paramError('Invalid network domain. Total length should not exceed 190 chars. Each domain label must be between 1 and 63 characters long, can contain ASCII letters a through z, the digits 0 through 9, and the hyphen (-); can neither start nor end with "-"');
    if (p.name.includes('/')) throw paramError('Domain name cannot contain "/"');
    const k = this.db.kysely;
    const id = await k.transaction().execute(async (trx) => {
      await lockDomainRow(trx, this.db.dialect, parentId);
      const dup = await trx.selectFrom('domains').select('id').where('parent_id', '=', parentId).where('name', '=', p.name).where('removed', 'is', null).executeTakeFirst();
      if (dup) throw paramError(`Domain with name ${p.name} already exists for the parent id=${parentId}`);
      const parent = await trx.selectFrom('domains').select('level').where('id', '=', parentId).executeTakeFirstOrThrow();
      const uuid = p.uuid ?? randomUUID();
      const newId = await insertId(trx, this.db.dialect, 'domains', {
        uuid, name: p.name, parent_id: parentId, path: `${parentPath}${p.name}/`, level: parent.level + 1,
        state: 'Active', network_domain: p.networkDomain ?? null, created: Date.now(), removed: null,
      });
      await this.events.record({ type: 'DOMAIN.CREATE', description: `Domain ${p.name} created`, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType: 'Domain', resourceUuid: uuid }, trx);
      return newId;
    });
    return this.get(id);
  }

  async update(caller: Caller, id: number, p: { name?: string | undefined; networkDomain?: string | undefined }): Promise<DomainRow> {
    const d = await this.get(id);
    await this.scoper.checkDomainAccess(caller, id);
    if (id === ROOT_DOMAIN_ID && p.name !== undefined && p.name !== d.name) throw paramError("ROOT domain can't be renamed");
    if (p.networkDomain && !NETWORK_DOMAIN_RE.test(p.networkDomain)) throw paramError('Invalid network domain');
    if (p.name !== undefined && p.name.includes('/')) throw paramError('Domain name cannot contain "/"');
    await this.db.kysely.transaction().execute(async (trx) => {
      if (p.name !== undefined && p.name !== d.name) {
        if (d.parent_id !== null) await lockDomainRow(trx, this.db.dialect, d.parent_id);
        const dup = await trx.selectFrom('domains').select('id').where('parent_id', '=', d.parent_id).where('name', '=', p.name).where('removed', 'is', null).executeTakeFirst();
        if (dup) throw paramError(`Domain with name ${p.name} already exists for the parent id=${d.parent_id}`);
        const parentPath = d.path.slice(0, d.path.length - d.name.length - 1);
        const newPath = `${parentPath}${p.name}/`;
        // Re-root the whole subtree's paths.
        const sub = await trx.selectFrom('domains').select(['id', 'path']).where('path', 'like', `${d.path.replace(/[\\%_]/g, (c) => '\\' + c)}%`).execute();
        for (const s of sub) await trx.updateTable('domains').set({ path: newPath + s.path.slice(d.path.length) }).where('id', '=', s.id).execute();
        await trx.updateTable('domains').set({ name: p.name }).where('id', '=', id).execute();
      }
      if (p.networkDomain !== undefined) await trx.updateTable('domains').set({ network_domain: p.networkDomain || null }).where('id', '=', id).execute();
      await this.events.record({ type: 'DOMAIN.UPDATE', description: `Domain ${d.name} updated`, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType: 'Domain', resourceUuid: d.uuid }, trx);
    });
    this.onChange();
    return this.get(id);
  }

  /** Deletes a domain; with `cleanup` its sub-domains and accounts go too, else it must be empty. */
  async delete(caller: Caller, id: number, cleanup: boolean): Promise<void> {
    const d = await this.get(id);
    if (id === ROOT_DOMAIN_ID) throw new CloudError('PermissionDenied', "Can't delete ROOT domain");
    await this.scoper.checkDomainAccess(caller, id);
    if (!isRootAdmin(caller) && id === caller.domainId) throw permissionDenied('Domain admins cannot delete their own domain');
    const k = this.db.kysely;
    const children = await k.selectFrom('domains').select(['id']).where('parent_id', '=', id).where('removed', 'is', null).execute();
    const accounts = await k.selectFrom('accounts').select(['id']).where('domain_id', '=', id).where('removed', 'is', null).execute();
    if (!cleanup && (children.length > 0 || accounts.length > 0)) {
      throw new CloudError('ResourceInUse', `Can't delete the domain yet because it has ${children.length} sub-domain(s) and ${accounts.length} account(s); use cleanup=true`);
    }
    for (const c of children) await this.delete(caller, c.id, true);
    for (const a of accounts) await this.accounts.delete(caller, a.id);
    await k.transaction().execute(async (trx) => {
      await trx.updateTable('domains').set({ removed: Date.now(), state: 'Inactive' }).where('id', '=', id).execute();
      await this.events.record({ type: 'DOMAIN.DELETE', description: `Domain ${d.name} deleted`, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType: 'Domain', resourceUuid: d.uuid }, trx);
    });
  }

  async list(caller: Caller, f: { id?: number | undefined; name?: string | undefined; level?: number | undefined; listall?: boolean | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: DomainRow[]; count: number }> {
    let q = domainQuery(this.db.kysely);
    if (f.id !== undefined) {
      const path = await this.scoper.checkDomainAccess(caller, f.id);
      void path;
      q = q.where('d.id', '=', f.id);
    } else if (f.listall) {
      q = q.where('d.path', 'like', `${caller.domainPath.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    } else {
      q = q.where('d.id', '=', caller.domainId);
    }
    if (f.name !== undefined) q = q.where('d.name', '=', f.name);
    if (f.level !== undefined) q = q.where('d.level', '=', f.level);
    if (f.keyword) q = q.where('d.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('d.id'));
  }

  async listChildren(caller: Caller, f: { id?: number | undefined; name?: string | undefined; isrecursive?: boolean | undefined; listall?: boolean | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: DomainRow[]; count: number }> {
    const parentId = f.id ?? caller.domainId;
    const parentPath = await this.scoper.checkDomainAccess(caller, parentId);
    let q = domainQuery(this.db.kysely);
    if (f.isrecursive || f.listall) {
      q = q.where('d.path', 'like', `${parentPath.replace(/[\\%_]/g, (c) => '\\' + c)}%`).where('d.id', '!=', parentId);
    } else {
      q = q.where('d.parent_id', '=', parentId);
    }
    if (f.name !== undefined) q = q.where('d.name', '=', f.name);
    if (f.keyword) q = q.where('d.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('d.id'));
  }

  canSee(caller: Caller, path: string): boolean {
    return isRootAdmin(caller) || underPath(path, caller.domainPath);
  }
}
