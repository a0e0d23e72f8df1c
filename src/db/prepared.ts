/**
 * Query templates for hot paths. Kysely builds an operation tree and compiles it to SQL on
 * every execution; for a query run thousands of times a second with the same shape only
 * the bound values change. A template is built once per shape (a string the caller makes
 * from everything that changes the SQL text) with placeholder values from `$`, compiled,
 * and afterwards executed with the real values put in the placeholders' parameter slots —
 * the same SQL text and parameter order Kysely itself would produce, on every dialect.
 *
 * Rule for `build`: every value that varies between calls comes from `$` (or `$.list` for
 * an `in (…)` list, whose length must be part of the shape); everything else must follow
 * from the shape alone. A placeholder that Kysely did not bind as a whole parameter (used
 * in `sql.lit`, concatenated, …) is detected at compile time and throws.
 */
import { CompiledQuery, sql, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { DialectName } from './dialect.js';
import type { Database } from './schema/index.js';
import { syncReaderOf, syncRunnerOf } from './sync-read.js';

const MARK = '\u0000nimbo-arg:';
const END = '\u0001';

export interface Args {
  /** A placeholder for the value `args[name]`. */
  <T = unknown>(name: string): T;
  /** Placeholders for the `n` elements of the array `args[name]`. */
  list<T = unknown>(name: string, n: number): T[];
}

const $: Args = Object.assign(<T>(name: string) => `${MARK}${name}${END}` as unknown as T, {
  list: <T>(name: string, n: number) => Array.from({ length: n }, (_, i) => `${MARK}${name}\u0000${i}${END}` as unknown as T),
});

/** A parameter slot: a constant of the shape, or where to read the call's value. */
type Slot = { value: unknown } | { name: string; index?: number };

interface Compiled {
  sql: string;
  slots: Slot[];
}

function compileTemplate(q: Compilable<unknown>): Compiled {
  const c = q.compile();
  const slots = c.parameters.map((p): Slot => {
    if (typeof p !== 'string' || !p.includes(MARK)) return { value: p };
    if (!p.startsWith(MARK) || !p.endsWith(END) || p.indexOf(END) !== p.length - 1) throw new Error(`query template: placeholder used inside a value (${JSON.stringify(p)})`);
    const [name, index] = p.slice(MARK.length, -1).split('\u0000');
    return index === undefined ? { name: name! } : { name: name!, index: Number(index) };
  });
  if (c.sql.includes(MARK)) throw new Error('query template: a placeholder was inlined into the SQL text');
  return { sql: c.sql, slots };
}

export class QueryTemplate<R> {
  // Per dialect adapter (shared by a Kysely instance and its transactions): the SQL text
  // depends on the dialect only.
  private readonly byAdapter = new WeakMap<object, Map<string, Compiled>>();

  private readonly maxShapes: number;
  private readonly cacheRows: boolean;

  constructor(
    private readonly build: (k: Kysely<Database>, $: Args, shape: string) => Compilable<R>,
    opts: {
      /** Shapes kept per dialect; the oldest is dropped first. */
      maxShapes?: number;
      /**
       * On SQLite, rows may come from the read cache (db/read-cache.ts) until a table the
       * query reads is written; they are then frozen and shared. For hot, small reads whose
       * result depends on nothing but the database and the arguments.
       */
      cacheRows?: boolean;
    } = {},
  ) {
    this.maxShapes = opts.maxShapes ?? 64;
    this.cacheRows = opts.cacheRows ?? false;
  }

  private template(k: Kysely<Database>, shape: string): Compiled {
    const adapter = k.getExecutor().adapter as object;
    let shapes = this.byAdapter.get(adapter);
    if (!shapes) this.byAdapter.set(adapter, (shapes = new Map()));
    let t = shapes.get(shape);
    if (!t) {
      t = compileTemplate(this.build(k, $, shape));
      if (shapes.size >= this.maxShapes) shapes.delete(shapes.keys().next().value!);
      shapes.set(shape, t);
    }
    return t;
  }

  private static bind(t: Compiled, args: Record<string, unknown>): unknown[] {
    const params = new Array<unknown>(t.slots.length);
    for (let i = 0; i < t.slots.length; i++) {
      const s = t.slots[i]!;
      if ('value' in s) params[i] = s.value;
      else {
        const v = args[s.name];
        if (v === undefined) throw new Error(`query template: no value for ${s.name}`);
        params[i] = s.index === undefined ? v : (v as unknown[])[s.index];
      }
    }
    return params;
  }

  /** The compiled query for `shape` with `args` bound, ready for `k.executeQuery`. */
  compiled(k: Kysely<Database>, shape: string, args: Record<string, unknown>): CompiledQuery<R> {
    const t = this.template(k, shape);
    return CompiledQuery.raw(t.sql, QueryTemplate.bind(t, args)) as CompiledQuery<R>;
  }

  /** The rows; with `cacheRows` they may be frozen and shared, so never change them. */
  async execute(k: Kysely<Database>, shape: string, args: Record<string, unknown>): Promise<readonly R[]> {
    const t = this.template(k, shape);
    const params = QueryTemplate.bind(t, args);
    // SQLite answers at once when its connection is free (db/sync-read.ts).
    const rows = syncReaderOf(k)?.(t.sql, params, this.cacheRows) ?? syncRunnerOf(k)?.(t.sql, params, k.isTransaction)?.rows;
    return rows ? (rows as readonly R[]) : (await k.executeQuery<R>(CompiledQuery.raw(t.sql, params) as CompiledQuery<R>)).rows;
  }

  /** The whole result (affected rows, insert id), for writes. */
  async run(k: Kysely<Database>, shape: string, args: Record<string, unknown>): Promise<QueryResult<R>> {
    const q = this.compiled(k, shape, args);
    // SQLite runs it at once in the caller's transaction or on the free connection (db/sync-read.ts).
    return (syncRunnerOf(k)?.(q.sql, q.parameters, k.isTransaction) as QueryResult<R> | undefined) ?? k.executeQuery(q);
  }
}

/**
 * `insertId` (dialect.ts) as a template: inserts one row of `columns` (every one given, null
 * for none, in this order) into `table` and returns its generated id, on every dialect.
 */
export function insertIdTemplate<T extends keyof Database & string>(table: T, columns: readonly string[]) {
  const tpl = new QueryTemplate<{ id: number }>((k, $, dialect) => {
    const q = k.insertInto(table).values(Object.fromEntries(columns.map((c) => [c, $(c)])) as never);
    // MySQL has no RETURNING; its driver reports insertId instead.
    return (dialect === 'mysql' ? q : q.returning(sql<number>`id`.as('id'))) as unknown as Compilable<{ id: number }>;
  }, { maxShapes: 3 });
  return async (k: Kysely<Database>, dialect: DialectName, values: Record<string, unknown>): Promise<number> => {
    const r = await tpl.run(k, dialect, values);
    return Number(dialect === 'mysql' ? r.insertId : r.rows[0]!.id);
  };
}
