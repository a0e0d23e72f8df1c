/**
 * The one place where the three supported databases differ. Everything else speaks Kysely.
 * `NIMBO_DB_URL` selects the dialect: empty or `sqlite:` / a file path → embedded SQLite,
 * `postgres://…` → PostgreSQL, `mysql://…` → MySQL/MariaDB.
 */
import {
  CompiledQuery, Kysely, MysqlDialect, MysqlQueryCompiler, OperatorNode, PostgresDialect, PostgresQueryCompiler, SqliteDialect, SqliteQueryCompiler, sql,
  type BinaryOperationNode, type DatabaseConnection, type Driver, type QueryCompiler, type SelectQueryBuilder,
} from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from './schema/index.js';
import { cachingSqlite, STATEMENT_CACHE_SIZE } from './statement-cache.js';
import { ReadCache } from './read-cache.js';
import { withListCache } from './compile-cache.js';
import { registerSyncReader, registerSyncRunner, TrackingSqliteDriver } from './sync-read.js';
import { registerRowChanges } from './row-changes.js';

export const DIALECTS = ['sqlite', 'postgres', 'mysql'] as const;
export type DialectName = (typeof DIALECTS)[number];

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** Human-readable location (never contains a password). */
  describe: string;
  close(): Promise<void>;
}

export function dialectOf(url: string | undefined): DialectName {
  if (!url || url.startsWith('sqlite:') || url.startsWith('/') || url.startsWith('.')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  throw new Error(`Unsupported NIMBO_DB_URL scheme: ${url.split(':')[0]} (use sqlite:, postgres:// or mysql://)`);
}

// The PostgreSQL and MySQL drivers load only when used: together they cost a SQLite server
// about 20 MB of memory and 0.2 s of start-up (issue #2 bench: idle RSS, cold start).
const require = createRequire(import.meta.url);
let pgModule: typeof import('pg') | undefined;
function loadPg(): typeof import('pg') {
  if (!pgModule) {
    pgModule = require('pg') as typeof import('pg');
    // PostgreSQL returns int8/numeric as strings; every count and id here fits a JS number.
    pgModule.types.setTypeParser(20, (v) => Number(v));
    pgModule.types.setTypeParser(1700, (v) => Number(v));
  }
  return pgModule;
}

/**
 * SQLite's compiler, with one difference from Kysely's: every LIKE gets `escape '\'`.
 * PostgreSQL and MySQL treat a backslash in a LIKE pattern as the escape character by
 * default; SQLite has none unless told, so `likePattern('a_b')` matched nothing there.
 */
class NimboSqliteCompiler extends withListCache(SqliteQueryCompiler) {
  protected override visitBinaryOperation(node: BinaryOperationNode): void {
    super.visitBinaryOperation(node);
    if (OperatorNode.is(node.operator) && (node.operator.operator === 'like' || node.operator.operator === 'not like')) this.append(" escape '\\'");
  }
}
const NimboPostgresCompiler = withListCache(PostgresQueryCompiler);
const NimboMysqlCompiler = withListCache(MysqlQueryCompiler);

export class NimboSqliteDialect extends SqliteDialect {
  constructor(private readonly driver: TrackingSqliteDriver) {
    super({ database: () => Promise.reject(new Error('unused: the driver is given')) });
  }

  override createDriver(): Driver {
    return this.driver;
  }

  override createQueryCompiler(): QueryCompiler {
    return new NimboSqliteCompiler();
  }
}

export class NimboPostgresDialect extends PostgresDialect {
  override createQueryCompiler(): QueryCompiler {
    return new NimboPostgresCompiler();
  }
}

export class NimboMysqlDialect extends MysqlDialect {
  override createQueryCompiler(): QueryCompiler {
    return new NimboMysqlCompiler();
  }
}

export function openDb(url: string | undefined, dataDir: string): Db {
  const dialect = dialectOf(url);
  if (dialect === 'sqlite') {
    const file = !url ? join(dataDir, 'nimbo.sqlite') : url.replace(/^sqlite:(\/\/)?/, '');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const conn = new BetterSqlite3(file);
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = NORMAL');
    conn.pragma('foreign_keys = ON');
    conn.pragma('busy_timeout = 5000');
    const dataVersion = conn.prepare('pragma data_version').pluck();
    const schema = conn.prepare("select name, type from sqlite_schema where type in ('table', 'view')");
    const readDataVersion = () => dataVersion.get() as number;
    const reads = new ReadCache(
      readDataVersion,
      () => new Map((schema.all() as Array<{ name: string; type: 'table' | 'view' }>).map((r) => [r.name, r.type])),
    );
    const cached = cachingSqlite(conn, STATEMENT_CACHE_SIZE, (q) => reads.noteWrite(q));
    const driver = new TrackingSqliteDriver(cached, reads);
    const kysely = new Kysely<Database>({ dialect: new NimboSqliteDialect(driver) });
    registerSyncReader(kysely, driver.readNow);
    registerSyncRunner(kysely, driver.runNow);
    registerRowChanges(kysely, { conn, isFree: () => driver.isFree(), prepare: (sql) => cached.prepare(sql), dataVersion: readDataVersion });
    return { kysely, dialect, describe: `sqlite:${file}`, close: () => kysely.destroy() };
  }
  if (dialect === 'postgres') {
    const pool = new (loadPg().Pool)({ connectionString: url, max: 10 });
    // An idle client dropped by a database restart emits 'error'; without a listener that kills the process.
    pool.on('error', (err) => process.emitWarning(`PostgreSQL idle client error: ${err.message}`));
    const kysely = new Kysely<Database>({ dialect: new NimboPostgresDialect({ pool }) });
    return { kysely, dialect, describe: redact(url!), close: () => kysely.destroy() };
  }
  const { createPool } = require('mysql2') as typeof import('mysql2');
  const pool = createPool({
    uri: url!.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: 10,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    timezone: 'Z',
  });
  // READ COMMITTED, as PostgreSQL runs by default: every statement sees the latest commit and
  // InnoDB takes no gap locks for scans. Under MySQL's REPEATABLE READ the heartbeat's
  // lease renewal and job takeover (which scan async_jobs) locked the gaps that new jobs are
  // inserted into, and streams of jobs died of ER_LOCK_DEADLOCK.
  const onCreateConnection = async (c: DatabaseConnection) => {
    await c.executeQuery(CompiledQuery.raw('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'));
  };
  const kysely = new Kysely<Database>({ dialect: new NimboMysqlDialect({ pool, onCreateConnection }) });
  return { kysely, dialect, describe: redact(url!), close: () => kysely.destroy() };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Inserts one row and returns its generated integer id, on every dialect. */
export async function insertId<T extends keyof Database & string>(
  db: Kysely<Database>,
  dialect: DialectName,
  table: T,
  values: Record<string, unknown>,
): Promise<number> {
  // MySQL has no RETURNING; its driver reports insertId instead.
  const q = db.insertInto(table).values(values as never);
  if (dialect === 'mysql') {
    const r = await q.executeTakeFirstOrThrow();
    return Number(r.insertId);
  }
  const row = (await q.returning(sql<number>`id`.as('id')).executeTakeFirstOrThrow()) as { id: number };
  return Number(row.id);
}

/** Row lock for read-modify-write sequences; SQLite serialises writers already. */
export function forUpdate<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, dialect: DialectName): QB {
  return dialect === 'sqlite' ? qb : (qb.forUpdate() as QB);
}

/** Case-insensitive substring match (`keyword` filters). */
export function likeInsensitive(dialect: DialectName): 'ilike' | 'like' {
  return dialect === 'postgres' ? 'ilike' : 'like';
}

/** Escapes LIKE wildcards so a user's keyword is matched literally. */
export function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}
