/**
 * Resource limits and counts per account and per domain (CloudStack ResourceLimitManagerImpl).
 *
 * Other areas call, inside the transaction that creates or removes the resource:
 * - `check(accountId, type, delta, trx)` — 532 if the account or any ancestor domain would
 *   exceed its limit; with `trx` the count rows stay locked until the transaction ends, so a
 *   following `increment` in the same transaction cannot overshoot under concurrency;
 * - `increment(trx, accountId, type, delta)` / `decrement(...)` — adjust the account's and
 *   every ancestor domain's count;
 * - `reserve(trx, accountId, type, delta)` — `check` then `increment`;
 * - `reserveAll(trx, accountId, { user_vm: 1, cpu: 2, memory: 2048 })` / `releaseAll(...)` —
 *   several types at once, all or nothing.
 * Units: counts of things, cpu cores, memory MiB, storage bytes.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';
import { QueryTemplate } from '../../db/prepared.js';
import type { Database } from '../../db/schema/index.js';
import type { LimitOwnerType } from '../../db/schema/limits.js';
import { CloudError } from '../../api/errors.js';
import type { ConfigService } from '../config/config.service.js';
import { ROOT_DOMAIN_ID } from '../caller.js';
import { limitFromSetting, RESOURCE_TYPES, resourceType, UNLIMITED, type ResourceType, type ResourceTypeDef } from './resource-types.js';

type Exec = Kysely<Database>;

/** Recounts one type for one account from the tables of the area that owns it. */
export type ResourceCounter = (accountId: number, exec: Exec) => Promise<number>;

export interface Owner {
  kind: LimitOwnerType;
  id: number;
}

/** An account and its domain chain, leaf first (the account's domain … ROOT). */
export interface OwnerChain {
  account: { id: number; name: string; type: number; domainUuid: string };
  domains: Array<{ id: number; uuid: string; path: string }>;
}

const key = (o: Owner) => `${o.kind}:${o.id}`;

/** Account type 1 (ADMIN): root admins have no limits (ResourceLimitManagerImpl skips them). */
export const ROOT_ADMIN_ACCOUNT_TYPE = 1;

/** '/a/b/' → ['/a/b/', '/a/', '/']: the paths of a domain and its ancestors, leaf first. */
export function ancestorPaths(path: string): string[] {
  const parts = path.split('/').filter((s) => s.length > 0);
  const out: string[] = [];
  for (let n = parts.length; n >= 0; n--) out.push(n === 0 ? '/' : `/${parts.slice(0, n).join('/')}/`);
  return out;
}

export class LimitService {
  private readonly counters = new Map<ResourceType, ResourceCounter>();

  constructor(
    readonly db: Db,
    private readonly config: ConfigService,
  ) {}

  /** Lets an area say how to recount a type for updateResourceCount (one counter per type). */
  registerCounter(type: ResourceType, counter: ResourceCounter): void {
    this.counters.set(type, counter);
  }

  counterFor(type: ResourceType): ResourceCounter | undefined {
    return this.counters.get(type);
  }

  /** Throws 532 unless `delta` more of `type` fits the account's and every ancestor domain's limit. */
  async check(accountId: number, type: ResourceType, delta: number, trx?: Exec): Promise<void> {
    if (delta <= 0) return;
    const exec = trx ?? this.db.kysely;
    await this.checkChain(exec, await this.chain(exec, accountId), resourceType(type), delta, trx !== undefined);
  }

  /** Adds `delta` to the account's count and to each ancestor domain's, in `trx`. */
  async increment(trx: Exec, accountId: number, type: ResourceType, delta: number): Promise<void> {
    if (delta === 0) return;
    await this.addChain(trx, await this.chain(trx, accountId), resourceType(type), delta);
  }

  async decrement(trx: Exec, accountId: number, type: ResourceType, delta: number): Promise<void> {
    await this.increment(trx, accountId, type, -delta);
  }

  /** `check` then `increment` in one call. */
  async reserve(trx: Exec, accountId: number, type: ResourceType, delta: number): Promise<void> {
    await this.reserveAll(trx, accountId, { [type]: delta });
  }

  /**
   * Checks and counts several types at once (a deploy: user_vm, cpu, memory, volume,
   * primary_storage), reading the owner chain once. All or nothing: a 532 on any type
   * leaves every count as it was (the caller's transaction rolls back anyway).
   */
  async reserveAll(trx: Exec, accountId: number, deltas: Partial<Record<ResourceType, number>>): Promise<void> {
    const types = RESOURCE_TYPES.filter((t) => (deltas[t.name] ?? 0) !== 0);
    if (types.length === 0) return;
    const chain = await this.chain(trx, accountId);
    const owners = ownersOf(chain);
    // One locking read of every type's count rows and one read of their limits (a deploy
    // counts five types: ten statements fewer than type by type).
    const rows = await this.lockCountsOf(trx, types, owners);
    if (chain.account.type !== ROOT_ADMIN_ACCOUNT_TYPE) {
      const growing = types.filter((t) => deltas[t.name]! > 0);
      const limits = growing.length ? await this.limitsOf(trx, growing, owners) : new Map<string, Map<string, number>>();
      for (const t of growing) {
        const counts = new Map(rows.filter((r) => r.type === t.name).map((r) => [`${r.owner_type}:${r.owner_id}`, Number(r.count)]));
        this.checkCounts(chain, t, deltas[t.name]!, counts, limits.get(t.name)!);
      }
    }
    await this.addRowsOf(trx, rows, types, deltas, 1);
  }

  /** Gives back several types at once (the reverse of `reserveAll`). */
  async releaseAll(trx: Exec, accountId: number, deltas: Partial<Record<ResourceType, number>>): Promise<void> {
    const types = RESOURCE_TYPES.filter((t) => (deltas[t.name] ?? 0) !== 0);
    if (types.length === 0) return;
    const rows = await this.lockCountsOf(trx, types, ownersOf(await this.chain(trx, accountId)));
    await this.addRowsOf(trx, rows, types, deltas, -1);
  }

  /** Adds each type's delta (times `sign`) to its count rows, in one statement for all types. */
  private async addRowsOf(trx: Exec, rows: { id: number; type: string }[], types: ResourceTypeDef[], deltas: Partial<Record<ResourceType, number>>, sign: 1 | -1): Promise<void> {
    const args: Record<string, unknown> = { ids: rows.map((r) => r.id) };
    types.forEach((t, i) => (args[`d${i}`] = sign * deltas[t.name]!));
    await ADD_BY_TYPE.run(trx, `${types.map((t) => t.name).join(',')}|${rows.length}`, args);
  }

  private async checkChain(exec: Exec, chain: OwnerChain, t: ResourceTypeDef, delta: number, lock: boolean): Promise<void> {
    if (chain.account.type === ROOT_ADMIN_ACCOUNT_TYPE) return;
    const owners = ownersOf(chain);
    this.checkCounts(chain, t, delta, await this.counts(exec, t, owners, lock), await this.limits(exec, t, owners));
  }

  /** Throws 532 when `delta` more of `t` exceeds the account's or an ancestor domain's limit. */
  private checkCounts(chain: OwnerChain, t: ResourceTypeDef, delta: number, counts: Map<string, number>, limits: Map<string, number>): void {
    const account: Owner = { kind: 'account', id: chain.account.id };
    const accMax = limits.get(key(account))!;
    if (accMax !== UNLIMITED && (counts.get(key(account)) ?? 0) + delta > accMax) {
      throw new CloudError('AccountLimit', `Maximum number of resources of type '${t.name}' for account name=${chain.account.name} in domain id=${chain.account.domainUuid} has been exceeded.`);
    }
    for (const d of chain.domains) {
      const o: Owner = { kind: 'domain', id: d.id };
      const max = limits.get(key(o))!;
      if (max !== UNLIMITED && (counts.get(key(o)) ?? 0) + delta > max) {
        throw new CloudError('AccountLimit', `Maximum number of resources of type '${t.name}' for domain id=${d.uuid} has been exceeded.`);
      }
    }
  }

  private async addChain(trx: Exec, chain: OwnerChain, t: ResourceTypeDef, delta: number): Promise<void> {
    await this.addRows(trx, await this.lockCounts(trx, t, ownersOf(chain)), delta);
  }

  private async addRows(trx: Exec, rows: { id: number }[], delta: number): Promise<void> {
    await trx
      .updateTable('resource_counts')
      .set((eb) => ({ count: eb('count', '+', delta) }))
      .where('id', 'in', rows.map((r) => r.id))
      .execute();
  }

  /** Overwrites one owner's count, without touching its ancestors (updateResourceCount). */
  async setCount(trx: Exec, owner: Owner, type: ResourceType, count: number): Promise<void> {
    await this.lockCounts(trx, resourceType(type), [owner]);
    await trx.updateTable('resource_counts').set({ count }).where('type', '=', type).where('owner_type', '=', owner.kind).where('owner_id', '=', owner.id).execute();
  }

  /** The account's effective limit for a type (-1 unlimited; storage in bytes). */
  async accountLimit(accountId: number, type: ResourceType, exec: Exec = this.db.kysely): Promise<number> {
    const chain = await this.chain(exec, accountId);
    if (chain.account.type === ROOT_ADMIN_ACCOUNT_TYPE) return UNLIMITED;
    const o: Owner = { kind: 'account', id: accountId };
    return (await this.limits(exec, resourceType(type), [o])).get(key(o))!;
  }

  /** The account's (or domain's) current count of a type. */
  async count(owner: Owner, type: ResourceType, exec: Exec = this.db.kysely): Promise<number> {
    const r = await exec.selectFrom('resource_counts').select('count').where('type', '=', type)
      .where('owner_type', '=', owner.kind).where('owner_id', '=', owner.id).executeTakeFirst();
    return Number(r?.count ?? 0);
  }

  async chain(exec: Exec, accountId: number): Promise<OwnerChain> {
    const [a] = await ACCOUNT.execute(exec, '', { id: accountId });
    if (!a) throw new CloudError('ParamError', 'Unable to find account by id');
    const paths = ancestorPaths(a.path);
    const ds = [...(await DOMAINS_BY_PATH.execute(exec, String(paths.length), { paths }))];
    ds.sort((x, y) => y.path.length - x.path.length);
    return { account: { id: a.id, name: a.account_name, type: a.type, domainUuid: a.domain_uuid }, domains: ds };
  }

  /**
   * Effective limits of owners for one type: the explicit row, else the global default;
   * the ROOT domain is unlimited unless set.
   */
  async limits(exec: Exec, t: ResourceTypeDef, owners: Owner[]): Promise<Map<string, number>> {
    return (await this.limitsOf(exec, [t], owners)).get(t.name)!;
  }

  /** `limits` for several types in one read: type name → owner key → limit. */
  private async limitsOf(exec: Exec, types: ResourceTypeDef[], owners: Owner[]): Promise<Map<string, Map<string, number>>> {
    const rows = await whereOwners(exec.selectFrom('resource_limits').select(['type', 'owner_type', 'owner_id', 'max']).where('type', 'in', types.map((t) => t.name)), owners).execute();
    const explicit = new Map(rows.map((r) => [`${r.type}|${r.owner_type}:${r.owner_id}`, Number(r.max)]));
    const out = new Map<string, Map<string, number>>();
    for (const t of types) {
      const m = new Map<string, number>();
      for (const o of owners) m.set(key(o), explicit.get(`${t.name}|${key(o)}`) ?? this.defaultLimit(o, t));
      out.set(t.name, m);
    }
    return out;
  }

  /**
   * The global default for an owner. Reads the settings cache synchronously: inside a
   * transaction, a settings reload would wait for a pool connection that the concurrent
   * transactions may all be holding.
   */
  defaultLimit(o: Owner, t: ResourceTypeDef): number {
    if (o.kind === 'domain' && o.id === ROOT_DOMAIN_ID) return UNLIMITED;
    return limitFromSetting(t, this.config.peek(`max.${o.kind}.${t.setting}`));
  }

  /**
   * Current counts of owners for one type. With `lock` (inside a transaction) the rows are
   * created if missing and stay locked until the transaction ends.
   */
  private async counts(exec: Exec, t: ResourceTypeDef, owners: Owner[], lock: boolean): Promise<Map<string, number>> {
    const rows = lock ? await this.lockCounts(exec, t, owners) : await this.findCounts(exec, [t], owners, false);
    return new Map(rows.map((r) => [`${r.owner_type}:${r.owner_id}`, Number(r.count)]));
  }

  private async findCounts(exec: Exec, types: ResourceTypeDef[], owners: Owner[], lock: boolean) {
    const accounts = owners.filter((o) => o.kind === 'account').map((o) => o.id);
    const domains = owners.filter((o) => o.kind === 'domain').map((o) => o.id);
    const shape = `${types.length}|${accounts.length}|${domains.length}|${lock && this.db.dialect !== 'sqlite' ? 'lock' : ''}`;
    return [...(await COUNTS.execute(exec, shape, { types: types.map((t) => t.name), accounts, domains }))];
  }

  /**
   * Locks (creating when missing) the count rows of owners for one type in `trx`.
   * On PostgreSQL/MySQL every transaction first locks one sentinel row (ROOT's user_vm
   * count, created by the migration): ROOT is in every owner chain, so this serialises
   * resource accounting exactly as CloudStack's ROOT count row does, but with one lock
   * order for all types, so transactions reserving several types cannot deadlock, and
   * the rows that follow can be created and read (locking reads see the latest commit
   * under MySQL's REPEATABLE READ) without racing. SQLite already has one writer.
   */
  private lockCounts(trx: Exec, t: ResourceTypeDef, owners: Owner[]) {
    return this.lockCountsOf(trx, [t], owners);
  }

  /** `lockCounts` for several types in one locking read (rows created first where missing). */
  private async lockCountsOf(trx: Exec, types: ResourceTypeDef[], owners: Owner[]) {
    if (this.db.dialect !== 'sqlite') await this.lockSentinel(trx);
    let rows = await this.findCounts(trx, types, owners, true);
    if (rows.length < owners.length * types.length) {
      const have = new Set(rows.map((r) => `${r.type}|${r.owner_type}:${r.owner_id}`));
      const values = types.flatMap((t) => owners.filter((o) => !have.has(`${t.name}|${key(o)}`)).map((o) => ({ type: t.name, owner_type: o.kind, owner_id: o.id, count: 0 })));
      await trx.insertInto('resource_counts').values(values).execute();
      rows = await this.findCounts(trx, types, owners, true);
    }
    return rows;
  }

  private async lockSentinel(trx: Exec): Promise<void> {
    const q = trx.selectFrom('resource_counts').select('id').where('owner_type', '=', 'domain').where('owner_id', '=', ROOT_DOMAIN_ID).where('type', '=', 'user_vm');
    if (await forUpdate(q, this.db.dialect).executeTakeFirst()) return;
    const ins = trx.insertInto('resource_counts').values({ type: 'user_vm', owner_type: 'domain', owner_id: ROOT_DOMAIN_ID, count: 0 });
    await (this.db.dialect === 'mysql' ? ins.ignore() : ins.onConflict((oc) => oc.columns(['owner_type', 'owner_id', 'type']).doNothing())).execute();
    await forUpdate(q, this.db.dialect).executeTakeFirst();
  }
}

// A deploy reads the owner chain and its counts (issue #5 bench): templates.
const ACCOUNT = new QueryTemplate((k, $) => k.selectFrom('accounts as a').innerJoin('domains as d', 'd.id', 'a.domain_id')
  .select(['a.id', 'a.account_name', 'a.type', 'd.uuid as domain_uuid', 'd.path']).where('a.id', '=', $<number>('id')));
const DOMAINS_BY_PATH = new QueryTemplate((k, $, n) => k.selectFrom('domains').select(['id', 'uuid', 'path']).where('path', 'in', $.list<string>('paths', Number(n))).where('removed', 'is', null));
/** Shape `<types>|<accounts>|<domains>|lock`: counts of owners, locked (FOR UPDATE) on PostgreSQL and MySQL. */
const COUNTS = new QueryTemplate((k, $, shape) => {
  const [types, accounts, domains, lock] = shape.split('|');
  const owners: Owner[] = [
    ...$.list<number>('accounts', Number(accounts)).map((id) => ({ kind: 'account' as const, id })),
    ...$.list<number>('domains', Number(domains)).map((id) => ({ kind: 'domain' as const, id })),
  ];
  const q = whereOwners(k.selectFrom('resource_counts').select(['id', 'type', 'owner_type', 'owner_id', 'count']).where('type', 'in', $.list<string>('types', Number(types))), owners).orderBy('id');
  return lock ? q.forUpdate() : q;
});

/**
 * `count = count + <the row's type's delta>` for the rows `ids`, shape `<type,type,…>|<ids>`:
 * a deploy counts five types in one statement instead of five.
 */
const ADD_BY_TYPE = new QueryTemplate((k, $, shape) => {
  const [types, n] = shape.split('|');
  return k.updateTable('resource_counts')
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CASE built in a loop
    .set((eb) => ({
      count: types!.split(',').reduce((c, t, i) => c.when('type', '=', t).then(eb('count', '+', $<number>(`d${i}`))), eb.case() as any).else(eb.ref('count')).end(),
    }))
    .where('id', 'in', $.list<number>('ids', Number(n)));
});

export function ownersOf(chain: OwnerChain): Owner[] {
  return [{ kind: 'account', id: chain.account.id }, ...chain.domains.map((d) => ({ kind: 'domain' as const, id: d.id }))];
}

function whereOwners<QB extends { where: (...a: any[]) => any }>(qb: QB, owners: Owner[]): QB {
  const accounts = owners.filter((o) => o.kind === 'account').map((o) => o.id);
  const domains = owners.filter((o) => o.kind === 'domain').map((o) => o.id);
  return qb.where((eb: any) =>
    eb.or([
      ...(accounts.length ? [eb.and([eb('owner_type', '=', 'account'), eb('owner_id', 'in', accounts)])] : []),
      ...(domains.length ? [eb.and([eb('owner_type', '=', 'domain'), eb('owner_id', 'in', domains)])] : []),
    ]),
  ) as QB;
}
