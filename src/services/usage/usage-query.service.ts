/** Reading usage records (listUsageRecords) within the caller's scope. */
import type { Db } from '../../db/dialect.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';

export interface UsageRecordRow {
  id: number; account_id: number; account_name: string; account_uuid: string; domain_uuid: string; domain_name: string; domain_path: string;
  zone_uuid: string | null; usage_type: number; usage_id: string; vm_uuid: string | null; name: string | null; offering_uuid: string | null; template_uuid: string | null;
  size: number | null; extra: string | null; raw: number; description: string; start_ms: number; end_ms: number;
}

export interface UsageRecordFilter {
  start: Date;
  end: Date;
  type?: number | undefined;
  usageId?: string | undefined;
  keyword?: string | undefined;
}

export class UsageQueryService {
  constructor(private readonly db: Db, private readonly scoper: Scoper) {}

  /**
   * Records lying within [start, end] (both their start and end, as CloudStack's
   * ListUsageRecordsCmd filters), oldest first.
   */
  async list(scope: ListScope, f: UsageRecordFilter, page: Page): Promise<{ rows: UsageRecordRow[]; count: number }> {
    let q = this.db.kysely.selectFrom('usage_records as r').innerJoin('accounts as a', 'a.id', 'r.account_id').innerJoin('domains as d', 'd.id', 'r.domain_id')
      .select(['r.id', 'r.account_id', 'a.account_name', 'a.uuid as account_uuid', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path',
        'r.zone_uuid', 'r.usage_type', 'r.usage_id', 'r.vm_uuid', 'r.name', 'r.offering_uuid', 'r.template_uuid', 'r.size', 'r.extra', 'r.raw', 'r.description', 'r.start_ms', 'r.end_ms'])
      .where('r.start_ms', '>=', f.start.getTime()).where('r.end_ms', '<=', f.end.getTime() + 1000);
    q = this.scoper.apply(q, scope, 'r.account_id', 'r.domain_id');
    if (f.type !== undefined) q = q.where('r.usage_type', '=', f.type);
    if (f.usageId !== undefined) q = q.where('r.usage_id', '=', f.usageId);
    if (f.keyword) q = q.where('r.description', 'like', `%${f.keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    return page.run(q.orderBy('r.start_ms').orderBy('r.usage_type').orderBy('r.id')) as Promise<{ rows: UsageRecordRow[]; count: number }>;
  }
}
