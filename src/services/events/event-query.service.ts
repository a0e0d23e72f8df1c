/** Reading, archiving and deleting events (listEvents, archiveEvents, deleteEvents). */
import type { Db } from '../../db/dialect.js';
import { likeInsensitive, likePattern } from '../../db/dialect.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import type { Caller } from '../caller.js';
import { paramError } from '../../api/errors.js';

export interface EventRow {
  id: number;
  uuid: string;
  type: string;
  state: string;
  description: string;
  level: string;
  created: number;
  start_id: number | null;
  resource_type: string | null;
  resource_uuid: string | null;
  account_id: number;
  account_name: string;
  account_uuid: string;
  domain_id: number;
  domain_uuid: string;
  domain_name: string;
  domain_path: string;
  username: string;
  user_uuid: string;
  parent_uuid: string | null;
  archived: number;
}

export interface EventFilter {
  id?: number | undefined;
  type?: string | undefined;
  level?: string | undefined;
  startdate?: Date | undefined;
  enddate?: Date | undefined;
  keyword?: string | undefined;
  resourceUuid?: string | undefined;
  resourceType?: string | undefined;
  archived?: boolean | undefined;
  state?: string | undefined;
}

export class EventQueryService {
  constructor(
    private readonly db: Db,
    private readonly scoper: Scoper,
  ) {}

  private base() {
    return this.db.kysely
      .selectFrom('events as e')
      .innerJoin('accounts as a', 'a.id', 'e.account_id')
      .innerJoin('domains as d', 'd.id', 'e.domain_id')
      .innerJoin('users as u', 'u.id', 'e.user_id')
      .leftJoin('events as p', 'p.id', 'e.start_id')
      .select([
        'e.id', 'e.uuid', 'e.type', 'e.state', 'e.description', 'e.level', 'e.created', 'e.start_id', 'e.resource_type', 'e.resource_uuid',
        'e.account_id', 'a.account_name', 'a.uuid as account_uuid', 'e.domain_id', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path',
        'u.username', 'u.uuid as user_uuid', 'p.uuid as parent_uuid', 'e.archived',
      ]);
  }

  private filtered(scope: ListScope, f: EventFilter) {
    let q = this.scoper.apply(this.base(), scope, 'e.account_id', 'e.domain_id').where('e.archived', '=', f.archived ? 1 : 0);
    if (f.id !== undefined) q = q.where('e.id', '=', f.id);
    if (f.type !== undefined) q = q.where('e.type', '=', f.type);
    if (f.state !== undefined) q = q.where('e.state', '=', f.state);
    if (f.level !== undefined) q = q.where('e.level', '=', f.level.toUpperCase());
    if (f.startdate) q = q.where('e.created', '>=', f.startdate.getTime());
    if (f.enddate) q = q.where('e.created', '<=', f.enddate.getTime());
    if (f.resourceUuid) q = q.where('e.resource_uuid', '=', f.resourceUuid);
    if (f.resourceType) q = q.where('e.resource_type', '=', f.resourceType);
    if (f.keyword) {
      const op = likeInsensitive(this.db.dialect);
      const pat = likePattern(f.keyword);
      q = q.where((eb) => eb.or([eb('e.type', op, pat), eb('e.description', op, pat), eb('e.level', op, pat)]));
    }
    return q;
  }

  async list(scope: ListScope, f: EventFilter, page: Page): Promise<{ rows: EventRow[]; count: number }> {
    return page.run(this.filtered(scope, f).orderBy('e.created', 'desc').orderBy('e.id', 'desc')) as Promise<{ rows: EventRow[]; count: number }>;
  }

  /**
   * Archives (hides from listEvents) or deletes events by ids and/or type/date range, only
   * those the caller may see. At least one selector is required, as in CloudStack.
   */
  async archiveOrDelete(caller: Caller, scope: ListScope, sel: { ids?: number[] | undefined; type?: string | undefined; startdate?: Date | undefined; enddate?: Date | undefined }, mode: 'archive' | 'delete'): Promise<number> {
    if (!sel.ids?.length && !sel.type && !sel.startdate && !sel.enddate) throw paramError('Either event ids or type or enddate must be specified');
    if (sel.startdate && sel.enddate && sel.startdate > sel.enddate) throw paramError('Invalid date range: start date must be before end date');
    void caller;
    let q = this.filtered(scope, { type: sel.type, startdate: sel.startdate, enddate: sel.enddate });
    if (sel.ids?.length) q = q.where('e.id', 'in', sel.ids);
    const ids = (await q.execute()).map((r) => r.id);
    if (sel.ids?.length && ids.length !== new Set(sel.ids).size) throw paramError('Unable to find some of the events, or the caller may not access them');
    if (ids.length === 0) return 0;
    const k = this.db.kysely;
    if (mode === 'archive') await k.updateTable('events').set({ archived: 1 }).where('id', 'in', ids).execute();
    else {
      await k.updateTable('events').set({ start_id: null }).where('start_id', 'in', ids).execute();
      await k.deleteFrom('events').where('id', 'in', ids).execute();
    }
    return ids.length;
  }
}
