/**
 * Joined reads shared by the infrastructure services and the optional-table probe used to
 * look into tables other areas own (hosts, volumes, VMs, networks, template copies) only when
 * they exist, so this area works and tests pass without them.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { Db } from '../../db/dialect.js';
import type { Caller } from '../caller.js';
import type { EventInput } from '../events/event.service.js';

export function zoneQuery(k: Kysely<Database>) {
  return k
    .selectFrom('zones as z')
    .leftJoin('domains as d', 'd.id', 'z.domain_id')
    .selectAll('z')
    .select(['d.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path'])
    .where('z.removed', 'is', null);
}
export type ZoneRow = Awaited<ReturnType<ReturnType<typeof zoneQuery>['executeTakeFirstOrThrow']>>;

export function podQuery(k: Kysely<Database>) {
  return k
    .selectFrom('pods as p')
    .innerJoin('zones as z', 'z.id', 'p.zone_id')
    .selectAll('p')
    .select(['z.uuid as zone_uuid', 'z.name as zone_name'])
    .where('p.removed', 'is', null);
}
export type PodRow = Awaited<ReturnType<ReturnType<typeof podQuery>['executeTakeFirstOrThrow']>>;

export function clusterQuery(k: Kysely<Database>) {
  return k
    .selectFrom('clusters as c')
    .innerJoin('pods as p', 'p.id', 'c.pod_id')
    .innerJoin('zones as z', 'z.id', 'c.zone_id')
    .selectAll('c')
    .select(['p.uuid as pod_uuid', 'p.name as pod_name', 'z.uuid as zone_uuid', 'z.name as zone_name'])
    .where('c.removed', 'is', null);
}
export type ClusterRow = Awaited<ReturnType<ReturnType<typeof clusterQuery>['executeTakeFirstOrThrow']>>;

export function poolQuery(k: Kysely<Database>) {
  return k
    .selectFrom('storage_pools as s')
    .innerJoin('zones as z', 'z.id', 's.zone_id')
    .leftJoin('pods as p', 'p.id', 's.pod_id')
    .leftJoin('clusters as c', 'c.id', 's.cluster_id')
    .selectAll('s')
    .select(['z.uuid as zone_uuid', 'z.name as zone_name', 'p.uuid as pod_uuid', 'p.name as pod_name', 'c.uuid as cluster_uuid', 'c.name as cluster_name'])
    .where('s.removed', 'is', null);
}
export type PoolRow = Awaited<ReturnType<ReturnType<typeof poolQuery>['executeTakeFirstOrThrow']>>;

export function imageStoreQuery(k: Kysely<Database>) {
  return k
    .selectFrom('image_stores as i')
    .leftJoin('zones as z', 'z.id', 'i.zone_id')
    .selectAll('i')
    .select(['z.uuid as zone_uuid', 'z.name as zone_name'])
    .where('i.removed', 'is', null);
}
export type ImageStoreRow = Awaited<ReturnType<ReturnType<typeof imageStoreQuery>['executeTakeFirstOrThrow']>>;

/** An event written by an administrator's provisioning action. */
export function adminEvent(caller: Caller, type: string, description: string, resourceType: string, uuid: string): EventInput {
  return { type, description, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType, resourceUuid: uuid };
}

/** Normalises a comma list of tags ("a, b,,a" → "a,b"); null when empty. */
export function normaliseTags(tags: string | string[] | undefined | null): string | null {
  if (tags === undefined || tags === null) return null;
  const list = (Array.isArray(tags) ? tags : tags.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  return list.length ? [...new Set(list)].join(',') : null;
}

/**
 * Columns of tables owned by other areas, read once per process. A table that does not
 * exist yet (its area is not installed) answers `undefined`, and callers skip the check.
 */
export class TableProbe {
  private cache: Promise<Map<string, Set<string>>> | undefined;
  constructor(private readonly db: Db) {}

  private load(): Promise<Map<string, Set<string>>> {
    this.cache ??= this.db.kysely.introspection
      .getTables()
      .then((ts) => new Map(ts.map((t) => [t.name, new Set(t.columns.map((c) => c.name))])));
    return this.cache;
  }

  /** The table's columns, or undefined when it does not exist. */
  async columns(table: string): Promise<Set<string> | undefined> {
    return (await this.load()).get(table);
  }

  /** Whether `table` exists and has every one of `cols`. */
  async has(table: string, ...cols: string[]): Promise<boolean> {
    const c = await this.columns(table);
    return c !== undefined && cols.every((x) => c.has(x));
  }

  /**
   * Counts live rows of an optional table matching `where` (column = value); 0 when the table
   * or a column is missing. `removed` is honoured when the table has it.
   */
  async count(table: string, where: Record<string, number | string>, extra?: (qb: any) => any): Promise<number> {
    const cols = await this.columns(table);
    if (!cols || !Object.keys(where).every((c) => cols.has(c))) return 0;
    let q = (this.db.kysely as unknown as Kysely<any>).selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
    for (const [c, v] of Object.entries(where)) q = q.where(c, '=', v);
    if (cols.has('removed')) q = q.where('removed', 'is', null);
    if (extra) q = extra(q);
    const r = await q.executeTakeFirst();
    return Number(r?.['n'] ?? 0);
  }
}
