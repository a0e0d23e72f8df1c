/**
 * The databases integration tests run against. Each test file gets fresh, empty databases
 * (a new PostgreSQL database / MariaDB schema, or a temporary SQLite file) and drops them
 * at the end. `NIMBO_TEST_DIALECTS` (comma list of sqlite, postgres, mysql) narrows the set;
 * by default all three run and a missing server is a failure, not a skip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { DIALECTS, type DialectName } from '../../src/db/dialect.js';

export const PG_ADMIN_URL = process.env['NIMBO_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_ADMIN_URL = process.env['NIMBO_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

export function dialectsUnderTest(): DialectName[] {
  const env = process.env['NIMBO_TEST_DIALECTS'];
  if (!env) return [...DIALECTS];
  return env.split(',').map((s) => s.trim()).filter((s): s is DialectName => (DIALECTS as readonly string[]).includes(s));
}

export interface TestDatabase {
  dialect: DialectName;
  /** NIMBO_DB_URL for the fresh database (undefined = SQLite in dataDir). */
  url: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export async function freshDatabase(dialect: DialectName): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `nimbo-${dialect}-`));
  const name = `nimbo_t_${randomBytes(6).toString('hex')}`;
  const cleanupDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') return { dialect, url: undefined, dataDir, drop: async () => cleanupDir() };
  if (dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
    return {
      dialect, url, dataDir,
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL });
        await c.connect();
        // pg-pool's end() resolves before its clients' sockets have closed; forcing the drop
        // at once would kill those sessions and make the closing clients emit errors. Let
        // them go first and force only what is still there after a while.
        for (let i = 0; i < 40; i++) {
          const r = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (r.rows[0].n === 0) break;
          await new Promise((res) => setTimeout(res, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
        cleanupDir();
      },
    };
  }
  const admin = await mysql.createConnection(MYSQL_ADMIN_URL);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = MYSQL_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    dialect, url, dataDir,
    drop: async () => {
      const c = await mysql.createConnection(MYSQL_ADMIN_URL);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
      cleanupDir();
    },
  };
}
