/**
 * SQLite: which rows of a table have been written since a reader last looked, so a cache of
 * the table (the planner's hosts, allocation/host-rows.ts) reads just those rows instead of
 * all of them. A temporary trigger on the one connection of this process calls back into
 * JavaScript with the id of every row inserted, updated or deleted through it, and
 * `PRAGMA data_version` tells when any other connection (another process on the same file)
 * committed, after which the reader must read everything again. A write that rolls back still
 * marks its rows: they are read once more, which is harmless. PostgreSQL and MySQL have no
 * feed: their servers are shared by a farm, whose other servers write behind our back.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';

/** Runs a read on the free connection at once. */
export type ReadNow = (sql: string, parameters: readonly unknown[]) => unknown[];

export interface RowChangeFeed {
  /**
   * Runs `read` at once with the ids of the rows written since the previous `take` of this
   * feed, or `'all'` on the first `take` and whenever another connection has committed since
   * (then the caller reads every row). Only when the connection is free, so that `read` sees
   * committed data and nothing is written while it runs; when the connection is held it
   * returns undefined and consumes nothing.
   */
  take<T>(read: (changed: ReadonlySet<number> | 'all', query: ReadNow) => T): T | undefined;
}

/** The SQLite connection's side: its raw handle, its statement cache and whether Kysely holds it. */
export interface FeedConnection {
  conn: BetterSqlite3.Database;
  prepare(sql: string): { all(parameters: readonly unknown[]): unknown[] };
  isFree(): boolean;
  /** PRAGMA data_version, from the statement the read cache uses too (prepared once). */
  dataVersion(): number;
}

const FN = 'nimbo_row_changed';

class Feeds {
  private readonly subscribers = new Map<string, Set<Set<number>>>();
  private readonly triggered = new Set<string>();
  private registered = false;

  constructor(private readonly c: FeedConnection) {}

  /** A feed of `table` (whose integer key is `id`); each feed sees every change once. */
  feed(table: string): RowChangeFeed {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`row changes: bad table name ${table}`);
    let dirty = new Set<number>();
    let version: number | undefined;
    let subs = this.subscribers.get(table);
    if (!subs) this.subscribers.set(table, (subs = new Set()));
    subs.add(dirty);
    const all = subs;
    return {
      take: (read) => {
        if (!this.c.isFree()) return undefined;
        this.watch(table);
        const now = this.c.dataVersion();
        const changed = version === now ? dirty : 'all';
        // Swap before reading: a row written from here on belongs to the next take.
        all.delete(dirty);
        all.add((dirty = new Set()));
        version = now;
        return read(changed, (sql, params) => this.c.prepare(sql).all(params));
      },
    };
  }

  private watch(table: string): void {
    if (!this.registered) {
      this.c.conn.function(FN, { deterministic: false, varargs: false }, (t: unknown, id: unknown) => {
        for (const s of this.subscribers.get(String(t)) ?? []) s.add(Number(id));
        return null;
      });
      this.registered = true;
    }
    if (this.triggered.has(table)) return;
    for (const [op, row] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']] as const) {
      this.c.conn.exec(`create temp trigger if not exists ${FN}_${table}_${op} after ${op} on main.${table} begin select ${FN}('${table}', ${row}.id); end`);
    }
    this.triggered.add(table);
  }
}

const FEEDS = new WeakMap<object, Feeds>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database schema
export function registerRowChanges(k: Kysely<any>, c: FeedConnection): void {
  FEEDS.set(k, new Feeds(c));
}

/** A new change feed of `table` for this Kysely instance (SQLite only, else undefined). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database schema
export function rowChangeFeed(k: Kysely<any>, table: string): RowChangeFeed | undefined {
  return k.isTransaction ? undefined : FEEDS.get(k)?.feed(table);
}
