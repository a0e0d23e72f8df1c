/**
 * The administrative side of resource limits: listing and setting limits, recounting
 * (updateResourceCount), the limit/total/available fields of accounts and domains, and
 * forgetting a deleted account (ResourceLimitManagerImpl search/update/recalculate).
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { QueryTemplate } from '../../db/prepared.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin, ROOT_DOMAIN_ID } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Scoper } from '../identity/scope.js';
import { ancestorPaths, ROOT_ADMIN_ACCOUNT_TYPE, type LimitService, type Owner } from './limit.service.js';
import { limitFromWire, limitToWire, RESOURCE_TYPES, setLimitWireFields, resourceTypeById, UNLIMITED, type ResourceTypeDef } from './resource-types.js';

/** Who a limit or count belongs to, with the names the wire shows. */
export interface OwnerInfo {
  kind: 'account' | 'domain';
  id: number;
  accountName?: string;
  accountType?: number;
  domainId: number;
  domainUuid: string;
  domainName: string;
  domainPath: string;
}

export interface LimitEntry { owner: OwnerInfo; type: ResourceTypeDef; max: number }
export interface CountEntry { owner: OwnerInfo; type: ResourceTypeDef; count: number }

export interface OwnerParams {
  account?: string | undefined;
  domainid?: number | undefined;
}

/** The limits and counts of a page of owners in one round trip of plain SQL, a template per page length (db/prepared.ts). */
const LIMITS_AND_COUNTS = new QueryTemplate<{ l: number; type: string; owner_id: number; v: number }>((k, $, n) => {
  const ids = sql.join($.list('ids', Number(n)));
  const q = sql<{ l: number; type: string; owner_id: number; v: number }>`
      select 1 as l, type, owner_id, max as v from resource_limits where owner_type = ${$('kind')} and owner_id in (${ids})
      union all
      select 0 as l, type, owner_id, count as v from resource_counts where owner_type = ${$('kind')} and owner_id in (${ids})`;
  return { compile: () => q.compile(k) };
}, { cacheRows: true });

export class LimitAdminService {
  constructor(
    private readonly db: Db,
    private readonly limits: LimitService,
    private readonly scoper: Scoper,
    private readonly events: EventService,
  ) {}

  /** `resourcetype` number → type, 431 with CloudStack's text if unknown. */
  typeOf(id: number): ResourceTypeDef {
    const t = resourceTypeById(id);
    if (!t) throw paramError('Please specify valid resource type');
    return t;
  }

  /** listResourceLimits: an account's limits (the caller's by default) or, for admins naming only a domain, the domain's. */
  async list(caller: Caller, p: OwnerParams & { types: ResourceTypeDef[] }): Promise<LimitEntry[]> {
    let owner: OwnerInfo;
    if (p.account !== undefined) owner = await this.accountOwner((await this.scoper.accountByName(caller, p.account, p.domainid)).id);
    else if (p.domainid !== undefined && caller.roleType !== 'User') {
      await this.scoper.checkDomainAccess(caller, p.domainid);
      owner = await this.domainOwner(p.domainid);
    } else owner = await this.accountOwner(caller.accountId);
    return this.limitsOf(owner, p.types);
  }

  async limitsOf(owner: OwnerInfo, types: readonly ResourceTypeDef[]): Promise<LimitEntry[]> {
    const out: LimitEntry[] = [];
    const o: Owner = { kind: owner.kind, id: owner.id };
    for (const t of types) {
      const max = owner.accountType === ROOT_ADMIN_ACCOUNT_TYPE ? UNLIMITED : (await this.limits.limits(this.db.kysely, t, [o])).get(`${o.kind}:${o.id}`)!;
      out.push({ owner, type: t, max });
    }
    return out;
  }

  /** updateResourceLimit: sets (or with -1 lifts) one limit of an account or a domain. `max` in wire units. */
  async update(caller: Caller, p: OwnerParams & { type: ResourceTypeDef; max?: number | undefined }): Promise<LimitEntry> {
    const max = p.max ?? UNLIMITED;
    if (max < UNLIMITED) throw paramError("Please specify either '-1' for an infinite limit, or a limit that is at least '0'.");
    let owner: OwnerInfo;
    if (p.account !== undefined) {
      const a = await this.scoper.accountByName(caller, p.account, p.domainid);
      owner = await this.accountOwner(a.id);
      if (owner.accountType === ROOT_ADMIN_ACCOUNT_TYPE && max !== UNLIMITED) throw paramError(`Only ${UNLIMITED} limit is supported for Root Admin accounts`);
      if (a.id === caller.accountId && caller.roleType !== 'Admin') throw permissionDenied(`Unable to update resource limit for his own account ${caller.accountUuid}, permission denied`);
    } else if (p.domainid !== undefined) {
      await this.scoper.checkDomainAccess(caller, p.domainid);
      owner = await this.domainOwner(p.domainid);
      if (p.domainid === ROOT_DOMAIN_ID) throw permissionDenied(`Cannot update resource limit for ROOT domain ${owner.domainUuid}, permission denied`);
      if (p.domainid === caller.domainId && !isRootAdmin(caller)) throw permissionDenied(`Unable to update resource limit for domain ${owner.domainUuid}, permission denied`);
      await this.checkParentDomain(owner, p.type, max);
    } else throw paramError('Please specify either an account name with domainid or a domainid');
    const stored = limitFromWire(p.type, max);
    await this.db.kysely.transaction().execute(async (trx) => {
      const where = trx.updateTable('resource_limits').set({ max: stored }).where('type', '=', p.type.name).where('owner_type', '=', owner.kind).where('owner_id', '=', owner.id);
      const r = await where.executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) {
        await trx.insertInto('resource_limits').values({ type: p.type.name, owner_type: owner.kind, owner_id: owner.id, max: stored }).execute();
      }
      await this.events.record({
        type: 'RESOURCE.LIMIT.UPDATE', description: `Resource limit of type ${p.type.name} for ${owner.kind} ${owner.accountName ?? owner.domainName} set to ${max}`,
        userId: caller.userId, accountId: owner.kind === 'account' ? owner.id : caller.accountId, domainId: owner.domainId,
      }, trx);
    });
    return { owner, type: p.type, max: stored };
  }

  /** A domain's limit may not exceed its parent's (CloudStack: "please specify a value less than or equal to"). */
  private async checkParentDomain(owner: OwnerInfo, t: ResourceTypeDef, max: number): Promise<void> {
    const d = await this.db.kysely.selectFrom('domains').select('parent_id').where('id', '=', owner.id).executeTakeFirst();
    if (!d?.parent_id) return;
    const parent = await this.domainOwner(d.parent_id);
    const [pl] = await this.limitsOf(parent, [t]);
    const parentMax = pl!.max;
    const wantStored = limitFromWire(t, max);
    // As CloudStack: -1 on a child is accepted (the parent's limit still applies when checking).
    if (parentMax >= 0 && wantStored > parentMax) {
      const shown = limitToWire(t, parentMax);
      throw paramError(`Domain ${owner.domainName}(id: ${parent.domainUuid}) has maximum allowed resource limit ${shown} for ${t.name}, please specify a value less than or equal to ${shown}`);
    }
  }

  /**
   * updateResourceCount: recounts an account (or every account and sub-domain under a
   * domain) from the registered counters and returns the new counts of the named owner.
   * Types without a counter keep their running count.
   */
  async recount(caller: Caller, p: { account?: string | undefined; domainid: number; types: readonly ResourceTypeDef[] }): Promise<CountEntry[]> {
    await this.scoper.checkDomainAccess(caller, p.domainid);
    const owner = p.account !== undefined
      ? await this.accountOwner((await this.scoper.accountByName(caller, p.account, p.domainid)).id)
      : await this.domainOwner(p.domainid);
    const out: CountEntry[] = [];
    await this.db.kysely.transaction().execute(async (trx) => {
      for (const t of p.types) {
        const count = owner.kind === 'account' ? await this.recountAccount(trx, owner.id, t) : await this.recountDomain(trx, owner, t);
        out.push({ owner, type: t, count });
      }
    });
    return out;
  }

  private async recountAccount(trx: Kysely<Database>, accountId: number, t: ResourceTypeDef): Promise<number> {
    const counter = this.limits.counterFor(t.name);
    const old = await this.limits.count({ kind: 'account', id: accountId }, t.name, trx);
    if (!counter) return old;
    const now = await counter(accountId, trx);
    // increment keeps the ancestor domains' sums in step with the correction.
    if (now !== old) await this.limits.increment(trx, accountId, t.name, now - old);
    return now;
  }

  /** Recounts every account under the domain, then sets each domain of the subtree to the sum of its accounts. */
  private async recountDomain(trx: Kysely<Database>, owner: OwnerInfo, t: ResourceTypeDef): Promise<number> {
    // Subtree by path prefix in code: LIKE escaping differs between the three databases.
    const domains = (await trx.selectFrom('domains').select(['id', 'path']).where('removed', 'is', null).execute()).filter((d) => d.path.startsWith(owner.domainPath));
    const ids = domains.map((d) => d.id);
    const accounts = await trx.selectFrom('accounts').select(['id', 'domain_id']).where('domain_id', 'in', ids).where('removed', 'is', null).execute();
    const perDomain = new Map<number, number>();
    for (const a of accounts) {
      const n = await this.recountAccount(trx, a.id, t);
      perDomain.set(a.domain_id, (perDomain.get(a.domain_id) ?? 0) + n);
    }
    const pathOf = new Map(domains.map((d) => [d.id, d.path]));
    let target = 0;
    for (const d of domains) {
      let sum = 0;
      for (const [did, n] of perDomain) if (pathOf.get(did)!.startsWith(d.path)) sum += n;
      await this.limits.setCount(trx, { kind: 'domain', id: d.id }, t.name, sum);
      if (d.id === owner.id) target = sum;
    }
    return target;
  }

  /**
   * Adds the limit/total/available fields to the wire object of each account or domain of a
   * page (one query for limits and counts per call). They are written into the object the
   * caller built, after its own fields, so no second object is made and merged per row: these
   * fields ride on every listAccounts, a hot path (core bench).
   */
  async addWireFields(kind: 'account' | 'domain', owners: Array<{ id: number; rootAdmin?: boolean; wire: Record<string, unknown> }>): Promise<void> {
    if (owners.length === 0) return;
    const rows = await LIMITS_AND_COUNTS.execute(this.db.kysely, String(owners.length), { kind, ids: owners.map((o) => o.id) });
    const lim = new Map<number, Map<string, number>>();
    const cnt = new Map<number, Map<string, number>>();
    for (const r of rows) {
      const m = Number(r.l) === 1 ? lim : cnt;
      let byType = m.get(r.owner_id);
      if (!byType) m.set(r.owner_id, (byType = new Map()));
      byType.set(r.type, Number(r.v));
    }
    for (const o of owners) {
      const owner = { kind, id: o.id };
      const limits = lim.get(o.id);
      const counts = cnt.get(o.id);
      for (const t of RESOURCE_TYPES) {
        const max = o.rootAdmin ? UNLIMITED : (limits?.get(t.name) ?? this.limits.defaultLimit(owner, t));
        setLimitWireFields(o.wire as Record<string, string | number>, t, max, counts?.get(t.name) ?? 0);
      }
    }
  }

  /**
   * Account deletion (runs after the other areas' hooks): what the account still counts is
   * taken off its domains, then its limits and counts are dropped.
   */
  async forgetAccount(accountId: number): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      const left = await trx.selectFrom('resource_counts').select(['type', 'count']).where('owner_type', '=', 'account').where('owner_id', '=', accountId).execute();
      for (const r of left) if (Number(r.count) !== 0) await this.limits.decrement(trx, accountId, r.type as ResourceTypeDef['name'], Number(r.count));
      await trx.deleteFrom('resource_counts').where('owner_type', '=', 'account').where('owner_id', '=', accountId).execute();
      await trx.deleteFrom('resource_limits').where('owner_type', '=', 'account').where('owner_id', '=', accountId).execute();
    });
  }

  async accountOwner(accountId: number): Promise<OwnerInfo> {
    const a = await this.db.kysely.selectFrom('accounts as a').innerJoin('domains as d', 'd.id', 'a.domain_id')
      .select(['a.id', 'a.account_name', 'a.type', 'd.id as domain_id', 'd.uuid', 'd.name', 'd.path']).where('a.id', '=', accountId).where('a.removed', 'is', null).executeTakeFirst();
    if (!a) throw paramError('Unable to find account by id');
    return { kind: 'account', id: a.id, accountName: a.account_name, accountType: a.type, domainId: a.domain_id, domainUuid: a.uuid, domainName: a.name, domainPath: a.path };
  }

  async domainOwner(domainId: number): Promise<OwnerInfo> {
    const d = await this.db.kysely.selectFrom('domains').select(['id', 'uuid', 'name', 'path']).where('id', '=', domainId).where('removed', 'is', null).executeTakeFirst();
    if (!d) throw new CloudError('ParamError', 'Unable to find domain by id');
    return { kind: 'domain', id: d.id, domainId: d.id, domainUuid: d.uuid, domainName: d.name, domainPath: d.path };
  }
}

export { ancestorPaths };
