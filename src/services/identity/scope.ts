/**
 * Who may see what: the one helper every list command uses to scope its query, and the
 * access checks for acting on another account's resources (AccountManagerImpl
 * buildACLSearchParameters / checkAccess).
 */
import type { SelectQueryBuilder } from 'kysely';
import { QueryTemplate, type Args } from '../../db/prepared.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import type { Db } from '../../db/dialect.js';


/** A domain's path (every access check on a VM asks): SQLite may answer from the read cache. */
const DOMAIN_PATH = new QueryTemplate((k, $) => k.selectFrom('domains').select(['path', 'removed']).where('id', '=', $<number>('id')), { cacheRows: true });

export type ListScope =
  | { kind: 'all' }
  | { kind: 'account'; accountId: number }
  | { kind: 'domain'; domainId: number; path: string; recursive: boolean };

export interface ScopeParams {
  account?: string | undefined;
  domainid?: number | undefined;
  listall?: boolean | undefined;
  isrecursive?: boolean | undefined;
  /** When the caller asks for one id, admins may see it anywhere in their subtree. */
  id?: unknown;
}

export interface OwnerRef {
  accountId: number;
  domainId: number;
  domainPath: string;
}

export const underPath = (path: string, ancestor: string) => path.startsWith(ancestor);

export class Scoper {
  constructor(private readonly db: Db) {}

  async idOfDomainUuid(uuid: string): Promise<number | undefined> {
    const d = await this.db.kysely.selectFrom('domains').select('id').where('uuid', '=', uuid).where('removed', 'is', null).executeTakeFirst();
    return d?.id;
  }

  async domainPath(domainId: number): Promise<string> {
    const [d] = await DOMAIN_PATH.execute(this.db.kysely, '', { id: domainId });
    if (!d || d.removed) throw paramError('Unable to find domain by id');
    return d.path;
  }

  /** Throws 531 unless the caller may act within the domain. */
  async checkDomainAccess(caller: Caller, domainId: number): Promise<string> {
    const path = await this.domainPath(domainId);
    if (isRootAdmin(caller)) return path;
    if (caller.roleType === 'User') {
      if (domainId !== caller.domainId) throw permissionDenied(`Account ${caller.accountName} does not have permission to access domain`);
      return path;
    }
    if (!underPath(path, caller.domainPath)) throw permissionDenied(`Account ${caller.accountName} does not have permission to operate within domain`);
    return path;
  }

  /** Throws 531 unless the caller may act on resources owned by `owner`. */
  checkAccess(caller: Caller, owner: OwnerRef, what = 'resource'): void {
    if (isRootAdmin(caller)) return;
    if (caller.roleType === 'User') {
      if (owner.accountId !== caller.accountId) throw permissionDenied(`Account ${caller.accountName} does not have permission to access this ${what}`);
      return;
    }
    if (!underPath(owner.domainPath, caller.domainPath)) throw permissionDenied(`Account ${caller.accountName} does not have permission to access this ${what}`);
  }

  /** Finds an active account by name in a domain the caller may act in. */
  async accountByName(caller: Caller, name: string, domainId: number | undefined): Promise<{ id: number; domainId: number; domainPath: string }> {
    const did = domainId ?? caller.domainId;
    const path = await this.checkDomainAccess(caller, did);
    const a = await this.db.kysely
      .selectFrom('accounts')
      .select(['id', 'domain_id'])
      .where('account_name', '=', name)
      .where('domain_id', '=', did)
      .where('removed', 'is', null)
      .executeTakeFirst();
    if (!a) throw paramError(`Unable to find account ${name} in domain id=${did}`);
    if (caller.roleType === 'User' && a.id !== caller.accountId) throw permissionDenied(`Account ${caller.accountName} does not have permission to access account ${name}`);
    return { id: a.id, domainId: a.domain_id, domainPath: path };
  }

  /**
   * The scope of a list request: users see their own account; admins see their own account
   * unless `listall`, a `domainid` or an `account` widens it (CloudStack semantics).
   */
  async listScope(caller: Caller, p: ScopeParams): Promise<ListScope> {
    if (p.account !== undefined) {
      const a = await this.accountByName(caller, p.account, p.domainid);
      return { kind: 'account', accountId: a.id };
    }
    if (caller.roleType === 'User') return { kind: 'account', accountId: caller.accountId };
    if (p.domainid !== undefined) {
      const path = await this.checkDomainAccess(caller, p.domainid);
      return { kind: 'domain', domainId: p.domainid, path, recursive: p.isrecursive === true };
    }
    if (p.listall || p.id !== undefined) {
      if (isRootAdmin(caller)) return { kind: 'all' };
      return { kind: 'domain', domainId: caller.domainId, path: caller.domainPath, recursive: true };
    }
    return { kind: 'account', accountId: caller.accountId };
  }

  /** Adds the scope's WHERE clause; `accountCol`/`domainCol` name the owner columns. */
  apply<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, scope: ListScope, accountCol: string, domainCol: string): QB {
    const args = scopeArgs(scope);
    return applyScopeShape(qb, scopeShape(scope), accountCol, domainCol, ((n: string) => args[n]) as Args);
  }
}

/** What of a scope changes a query's SQL text (for query templates, db/prepared.ts). */
export function scopeShape(scope: ListScope): string {
  return scope.kind === 'domain' && scope.recursive ? 'subtree' : scope.kind;
}

/** The values a scope binds, under the names applyScopeShape reads. */
export function scopeArgs(scope: ListScope): Record<string, unknown> {
  switch (scope.kind) {
    case 'all':
      return {};
    case 'account':
      return { scopeAccount: scope.accountId };
    case 'domain':
      return scope.recursive ? { scopePath: `${scope.path.replace(/[\\%_]/g, (c) => '\\' + c)}%` } : { scopeDomain: scope.domainId };
  }
}

/** The scope's WHERE clause for a shape, its values from `$` (Scoper.apply and templates). */
export function applyScopeShape<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, shape: string, accountCol: string, domainCol: string, $: Args): QB {
  switch (shape) {
    case 'all':
      return qb;
    case 'account':
      return qb.where(accountCol as any, '=', $('scopeAccount')) as QB;
    case 'domain':
      return qb.where(domainCol as any, '=', $('scopeDomain')) as QB;
    default:
      return qb.where(domainCol as any, 'in', (eb: any) => eb.selectFrom('domains').select('id').where('path', 'like', $('scopePath'))) as QB;
  }
}

export function assertFound<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new CloudError('ParamError', `Unable to find ${what}`);
  return v;
}
