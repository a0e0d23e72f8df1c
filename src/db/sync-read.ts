/**
 * SQLite runs in this process on one synchronous connection (better-sqlite3), yet Kysely
 * wraps every query in a chain of promises that waits for that connection: for the small
 * reads of a request (its API key, a page of accounts) the chain cost about as much as the
 * read itself (issue #2 bench). When no query or transaction holds the connection, a read
 * runs at once, through the same statement cache and on the same committed data Kysely
 * would use; when it is held (a transaction in progress) the read waits its turn through
 * Kysely as before, so it never sees another request's uncommitted writes. PostgreSQL and
 * MySQL have no such reader: their queries are asynchronous anyway.
 */
import { SqliteDriver, type DatabaseConnection, type Kysely, type QueryResult } from 'kysely';
import type { CachingSqlite } from './statement-cache.js';
import { parameterKey, type ReadCache } from './read-cache.js';

/**
 * Rows of a read run at once, or undefined when it has to go through Kysely. When `cacheable`
 * the rows may come from, and go to, the read cache (db/read-cache.ts): they are then frozen
 * and shared.
 */
export type SyncReader = (sql: string, parameters: readonly unknown[], cacheable?: boolean) => readonly unknown[] | undefined;

const READERS = new WeakMap<object, SyncReader>();

/** The at-once reader of a Kysely instance, if it has one (never inside a transaction). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database schema
export function syncReaderOf(k: Kysely<any>): SyncReader | undefined {
  return k.isTransaction ? undefined : READERS.get(k);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database schema
export function registerSyncReader(k: Kysely<any>, reader: SyncReader): void {
  READERS.set(k, reader);
}

/**
 * Runs a statement at once, as Kysely's SQLite connection would: inside a transaction (the
 * caller's: there is one connection, so an open transaction is the caller's), or outside one
 * when the connection is free. Undefined when it has to wait its turn through Kysely.
 */
export type SyncRunner = (sql: string, parameters: readonly unknown[], inTransaction: boolean) => QueryResult<unknown> | undefined;

// By the dialect adapter, which a Kysely instance shares with its transactions.
const RUNNERS = new WeakMap<object, SyncRunner>();

/** The at-once runner of a Kysely instance or transaction, if it has one (SQLite). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database schema
export function syncRunnerOf(k: Kysely<any>): SyncRunner | undefined {
  return RUNNERS.get(k.getExecutor().adapter);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database schema
export function registerSyncRunner(k: Kysely<any>, runner: SyncRunner): void {
  RUNNERS.set(k.getExecutor().adapter, runner);
}

/** Kysely's SQLite driver, counting who holds its one connection. */
export class TrackingSqliteDriver extends SqliteDriver {
  private held = 0;

  constructor(
    private readonly database: CachingSqlite,
    private readonly cache?: ReadCache,
  ) {
    super({ database });
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const c = await super.acquireConnection();
    this.held++;
    return c;
  }

  override async releaseConnection(): Promise<void> {
    this.held--;
    await super.releaseConnection();
  }

  /** Whether no query or transaction holds the connection. */
  isFree(): boolean {
    return this.held === 0;
  }

  /** Runs a read now when the connection is free; undefined when it is held or the statement writes. */
  readonly readNow: SyncReader = (sql, parameters, cacheable) => {
    if (this.held > 0) return undefined;
    const key = cacheable && this.cache ? parameterKey(parameters) : undefined;
    if (key !== undefined) {
      const hit = this.cache!.get(sql, key);
      if (hit) return hit;
    }
    const tick = this.cache?.now ?? 0;
    const stmt = this.database.prepare(sql);
    if (!stmt.reader || !stmt.readonly) return undefined;
    const rows = stmt.all(parameters);
    if (key !== undefined) this.cache!.set(sql, key, rows, tick);
    return rows;
  };

  /**
   * A transaction's statement (the connection is held: by it), or any statement while the
   * connection is free; undefined otherwise. The result is what Kysely's SQLite connection gives.
   */
  readonly runNow: SyncRunner = (sql, parameters, inTransaction) => {
    if (inTransaction ? this.held === 0 : this.held > 0) return undefined;
    const stmt = this.database.prepare(sql);
    if (stmt.reader) return { rows: stmt.all(parameters) };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  };
}
