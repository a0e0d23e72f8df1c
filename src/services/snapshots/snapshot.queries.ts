/** listSnapshots and listSnapshotPolicies: one joined query each, scoped to the caller. */
import { likeInsensitive, likePattern, type Db } from '../../db/dialect.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';

export interface SnapshotFilter {
  id?: number | undefined;
  ids?: number[] | undefined;
  name?: string | undefined;
  keyword?: string | undefined;
  volumeid?: number | undefined;
  zoneid?: number | undefined;
  /** MANUAL, RECURRING, or an interval type (CloudStack stores a recurring snapshot's type as its interval). */
  snapshottype?: string | undefined;
  intervaltype?: string | undefined;
}

export const INTERVAL_TYPES = ['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY'] as const;
export type IntervalType = (typeof INTERVAL_TYPES)[number];

export function snapshotQuery(db: Db) {
  return db.kysely.selectFrom('snapshots as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .innerJoin('domains as d', 'd.id', 's.domain_id')
    .innerJoin('zones as z', 'z.id', 's.zone_id')
    .innerJoin('volumes as v', 'v.id', 's.volume_id')
    .leftJoin('snapshot_store_refs as r', 'r.snapshot_id', 's.id')
    .leftJoin('image_stores as i', 'i.id', 'r.store_id')
    .selectAll('s')
    .select([
      'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path', 'z.uuid as zone_uuid', 'z.name as zone_name',
      'v.uuid as volume_uuid', 'v.name as volume_name', 'v.volume_type', 'v.state as volume_state', 'i.uuid as store_uuid', 'i.name as store_name',
    ]);
}

export type SnapshotView = Awaited<ReturnType<ReturnType<typeof snapshotQuery>['executeTakeFirstOrThrow']>>;

export async function listSnapshots(db: Db, scoper: Scoper, scope: ListScope, f: SnapshotFilter, page: Page): Promise<{ rows: SnapshotView[]; count: number }> {
  let q = scoper.apply(snapshotQuery(db).where('s.removed', 'is', null), scope, 's.account_id', 's.domain_id');
  if (f.id !== undefined) q = q.where('s.id', '=', f.id);
  if (f.ids?.length) q = q.where('s.id', 'in', f.ids);
  if (f.name !== undefined) q = q.where('s.name', '=', f.name);
  if (f.volumeid !== undefined) q = q.where('s.volume_id', '=', f.volumeid);
  if (f.zoneid !== undefined) q = q.where('s.zone_id', '=', f.zoneid);
  const type = f.snapshottype?.toUpperCase();
  if (type === 'MANUAL') q = q.where('s.snapshot_type', '=', 'MANUAL');
  else if (type === 'RECURRING') q = q.where('s.snapshot_type', '=', 'RECURRING');
  else if (type !== undefined) q = q.where('s.interval_type', '=', type);
  const interval = f.intervaltype?.toUpperCase();
  if (interval === 'MANUAL') q = q.where('s.interval_type', 'is', null);
  else if (interval !== undefined) q = q.where('s.interval_type', '=', interval);
  if (f.keyword !== undefined) q = q.where('s.name', likeInsensitive(db.dialect), likePattern(f.keyword));
  return page.run(q.orderBy('s.created', 'desc').orderBy('s.id', 'desc'));
}

export function policyQuery(db: Db) {
  return db.kysely.selectFrom('snapshot_policies as p')
    .innerJoin('volumes as v', 'v.id', 'p.volume_id')
    .innerJoin('zones as z', 'z.id', 'v.zone_id')
    .selectAll('p')
    .select(['v.uuid as volume_uuid', 'v.name as volume_name', 'z.uuid as zone_uuid', 'z.name as zone_name']);
}

export type PolicyView = Awaited<ReturnType<ReturnType<typeof policyQuery>['executeTakeFirstOrThrow']>>;

export async function listPolicies(db: Db, scoper: Scoper, scope: ListScope, f: { id?: number | undefined; volumeid?: number | undefined; keyword?: string | undefined; fordisplay?: boolean | undefined }, page: Page) {
  let q = scoper.apply(policyQuery(db), scope, 'p.account_id', 'p.domain_id');
  if (f.id !== undefined) q = q.where('p.id', '=', f.id);
  if (f.volumeid !== undefined) q = q.where('p.volume_id', '=', f.volumeid);
  if (f.fordisplay !== undefined) q = q.where('p.display', '=', f.fordisplay ? 1 : 0);
  if (f.keyword !== undefined) q = q.where('v.name', likeInsensitive(db.dialect), likePattern(f.keyword));
  return page.run(q.orderBy('p.id'));
}
