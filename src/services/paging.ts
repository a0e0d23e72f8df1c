/**
 * CloudStack paging (BaseListCmd): `page` and `pagesize` go together, `pagesize=-1` means
 * everything, and nothing exceeds `default.page.size`. `count` is always the total.
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { paramError } from '../api/errors.js';
import { QueryTemplate, type Args } from '../db/prepared.js';
import type { Database } from '../db/schema/index.js';

// Literals, not bound parameters: SQLite re-plans a statement on every run when its
// LIMIT is a parameter (the planner reads the bound value), which tripled a list's cost.
// Both numbers are validated integers.
function withPage<QB extends SelectQueryBuilder<any, any, any>>(q: QB, limit: number | undefined, offset: number): QB {
  if (limit !== undefined) return q.limit(sql.lit(limit)).offset(sql.lit(offset)) as QB;
  if (offset > 0) return q.offset(sql.lit(offset)) as QB;
  return q;
}

function countOf(q: SelectQueryBuilder<any, any, any>): SelectQueryBuilder<any, any, { n: number }> {
  return (q as any).clearSelect().clearOrderBy().select((eb: any) => eb.fn.countAll().as('n'));
}

/**
 * A paged list kept as query templates (db/prepared.ts): `base` builds the ordered query
 * for a shape with its varying values from `$`; the page's literals join the shape.
 */
export class PagedQuery<T> {
  readonly rows: QueryTemplate<T>;
  readonly count: QueryTemplate<{ n: number }>;
  constructor(base: (k: Kysely<Database>, $: Args, shape: string) => SelectQueryBuilder<any, any, T>, opts: { cacheRows?: boolean } = {}) {
    this.rows = new QueryTemplate((k, $, key) => {
      const [limit, offset] = key.split('|').slice(-2);
      return withPage(base(k, $, key.split('|').slice(0, -2).join('|')), limit ? Number(limit) : undefined, Number(offset));
    }, opts);
    this.count = new QueryTemplate((k, $, shape) => countOf(base(k, $, shape)), opts);
  }
}

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
    return this.runWith(
      () => withPage(q, this.limit, this.offset).execute(),
      async () => Number((await countOf(q).executeTakeFirst())?.n ?? 0),
    );
  }

  /** `run` for a hot list kept as a query template (see PagedQuery). */
  async runPrepared<T>(pq: PagedQuery<T>, k: Kysely<Database>, shape: string, args: Record<string, unknown>): Promise<{ rows: readonly T[]; count: number }> {
    return this.runWith(
      () => pq.rows.execute(k, `${shape}|${this.limit ?? ''}|${this.offset}`, args),
      async () => Number((await pq.count.execute(k, shape, args))[0]?.n ?? 0),
    );
  }

  private async runWith<T, Rows extends readonly T[]>(rowsOf: () => Promise<Rows>, countAll: () => Promise<number>): Promise<{ rows: Rows; count: number }> {
    const rows = await rowsOf();
    if (this.limit === undefined || (this.offset === 0 && rows.length < this.limit)) return { rows, count: rows.length + this.offset };
    return { rows, count: await countAll() };
  }

  /** Pages an in-memory list (for data that lives in code, like settings or API lists). */
  slice<T>(all: T[]): { rows: T[]; count: number } {
    const rows = this.limit === undefined ? all.slice(this.offset) : all.slice(this.offset, this.offset + this.limit);
    return { rows, count: all.length };
  }
}
