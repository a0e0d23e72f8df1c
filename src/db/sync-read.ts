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
import { SqliteDriver, type DatabaseConnection, type Kysely, type SqliteDatabase } from 'kysely';

/** Rows of a read run at once, or undefined when it has to go through Kysely. */
export type SyncReader = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

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

/** Kysely's SQLite driver, counting who holds its one connection. */
export class TrackingSqliteDriver extends SqliteDriver {
  private held = 0;

  constructor(private readonly database: SqliteDatabase) {
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

  /** Runs a read now when the connection is free; undefined when it is held or the statement writes. */
  readonly readNow: SyncReader = (sql, parameters) => {
    if (this.held > 0) return undefined;
    const stmt = this.database.prepare(sql);
    return stmt.reader ? stmt.all(parameters) : undefined;
  };
}
