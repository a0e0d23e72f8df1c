/** What service and disk offerings share: domain visibility and the in-use deletion rule. */
import type { SelectQueryBuilder } from 'kysely';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import { paramError, permissionDenied } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import { underPath } from '../identity/scope.js';

export interface OfferingDomain {
  domain_uuid: string | null;
  domain_name: string | null;
  domain_path: string | null;
}

/**
 * Offerings a non-root caller may use: public ones and those of its own domain or a parent
 * domain (CloudStack searchForServiceOfferings: "domain and parent domains"); domain admins
 * also see their subdomains' offerings.
 */
export function visibleTo<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, caller: Caller, alias: string): QB {
  if (isRootAdmin(caller)) return qb;
  const ancestors = ancestorPaths(caller.domainPath);
  const esc = caller.domainPath.replace(/[\\%_]/g, (c) => '\\' + c);
  return qb.where((eb: any) => eb.or([
    eb(`${alias}.domain_id`, 'is', null),
    eb(`${alias}.domain_id`, 'in', eb.selectFrom('domains').select('id').where('path', 'in', ancestors)),
    ...(caller.roleType === 'User' ? [] : [eb(`${alias}.domain_id`, 'in', eb.selectFrom('domains').select('id').where('path', 'like', `${esc}%`))]),
  ])) as QB;
}

/** '/a/b/' -> ['/', '/a/', '/a/b/'] */
export function ancestorPaths(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out = ['/'];
  for (let i = 1; i <= parts.length; i++) out.push('/' + parts.slice(0, i).join('/') + '/');
  return out;
}

/** A domain admin may only manage offerings of its own subtree; public ones are root's. */
export function checkManage(caller: Caller, o: OfferingDomain, what: string): void {
  if (isRootAdmin(caller)) return;
  if (o.domain_path === null || !underPath(o.domain_path, caller.domainPath)) throw permissionDenied(`Account ${caller.accountName} does not have permission to update this ${what}`);
}

/** The one domain an offering is for (CloudStack 4.x accepts several; Nimbo keeps one). */
export async function offeringDomain(db: Db, caller: Caller, domainIds: number[] | undefined): Promise<number | null> {
  if (!domainIds || domainIds.length === 0) {
    if (!isRootAdmin(caller)) throw paramError('Domain admins must specify a domain id for the offering');
    return null;
  }
  if (domainIds.length > 1) throw paramError('Only one domain id is supported for an offering');
  const d = await db.kysely.selectFrom('domains').select(['id', 'path', 'removed']).where('id', '=', domainIds[0]!).executeTakeFirst();
  if (!d || d.removed) throw paramError('Unable to find domain by id');
  if (!isRootAdmin(caller) && !underPath(d.path, caller.domainPath)) throw permissionDenied(`Account ${caller.accountName} does not have permission to operate within domain`);
  return d.id === 1 ? null : d.id;
}

/** The only fields updateServiceOffering/updateDiskOffering may change (the seed: offerings are fixed once created). */
export function renameSet(p: { name?: string | undefined; displayText?: string | undefined; sortKey?: number | undefined }): Partial<{ name: string; display_text: string; sort_key: number }> {
  const set: Partial<{ name: string; display_text: string; sort_key: number }> = {};
  if (p.name !== undefined) set.name = p.name;
  if (p.displayText !== undefined) set.display_text = p.displayText;
  if (p.sortKey !== undefined) set.sort_key = p.sortKey;
  return set;
}

/** Users see Active offerings only; root admins may ask for Inactive or all. */
export function stateFilter<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, caller: Caller, state: string | undefined, alias: string): QB {
  if (!isRootAdmin(caller) || state === undefined) return qb.where(`${alias}.state`, '=', 'Active') as QB;
  if (state.toLowerCase() === 'all') return qb;
  return qb.where(`${alias}.state`, '=', state.toLowerCase() === 'inactive' ? 'Inactive' : 'Active') as QB;
}
