/**
 * CloudStack paging (BaseListCmd): `page` and `pagesize` go together, `pagesize=-1` means
 * everything, and nothing exceeds `default.page.size`. `count` is always the total.
 */
import { sql, type SelectQueryBuilder } from 'kysely';
import { paramError } from '../api/errors.js';

export class Page {
  private constructor(
    readonly offset: number,
    readonly limit: number | undefined,
  ) {}

  static all(): Page {
    return new Page(0, undefined);
  }

  static from(p: { page?: number | undefined; pagesize?: number | undefined }, defaultPageSize: number): Page {
    const max = defaultPageSize > 0 ? defaultPageSize : undefined;
    if (p.pagesize === -1) {
      if (p.page !== undefined) throw paramError('Can\'t specify page parameter when pagesize is -1 (Unlimited)');
      return new Page(0, undefined);
    }
    if (p.pagesize !== undefined && p.page === undefined) throw paramError('"page" parameter is required when "pagesize" is specified');
    if (p.page !== undefined && p.pagesize === undefined) throw paramError('"pagesize" parameter is required when "page" is specified');
    if (p.pagesize !== undefined) {
      if (p.pagesize < 1) throw paramError('Page size should be greater than 0');
      if (max !== undefined && p.pagesize > max) throw paramError(`Page size can't exceed max allowed page size value: ${max}`);
      if (p.page! < 1) throw paramError('Page should be greater than 0');
      return new Page((p.page! - 1) * p.pagesize, p.pagesize);
    }
    return new Page(0, max);
  }

  /** Runs the query for one page and a count(*) of all matches. */
  async run<T>(q: SelectQueryBuilder<any, any, T>): Promise<{ rows: T[]; count: number }> {
    // Literals, not bound parameters: SQLite re-plans a statement on every run when its
    // LIMIT is a parameter (the planner reads the bound value), which tripled a list's cost.
    // Both numbers are validated integers.
    let pq = q;
    if (this.limit !== undefined) pq = pq.limit(sql.lit(this.limit)).offset(sql.lit(this.offset));
    else if (this.offset > 0) pq = pq.offset(sql.lit(this.offset));
    const rows = await pq.execute();
    if (this.limit === undefined || (this.offset === 0 && rows.length < this.limit)) return { rows, count: rows.length + this.offset };
    const c = await (q as any).clearSelect().clearOrderBy().select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirst();
    return { rows, count: Number(c?.n ?? 0) };
  }

  /** Pages an in-memory list (for data that lives in code, like settings or API lists). */
  slice<T>(all: T[]): { rows: T[]; count: number } {
    const rows = this.limit === undefined ? all.slice(this.offset) : all.slice(this.offset, this.offset + this.limit);
    return { rows, count: all.length };
  }
}
