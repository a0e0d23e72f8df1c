/**
 * Applies pending migrations. Each migration runs once; applied names are recorded in
 * `nimbo_migrations`. On PostgreSQL/MySQL a second server migrating at the same time
 * would fail on the unique name and retry nothing: migrations are explicit (`nimbo db migrate`
 * or first start), not racing.
 */
import { sql } from 'kysely';
import type { Db } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';

export async function migrate(db: Db, log: (msg: string) => void = () => {}): Promise<string[]> {
  const k = db.kysely as any;
  await k.schema
    .createTable('nimbo_migrations')
    .ifNotExists()
    .addColumn('name', 'varchar(128)', (c: any) => c.primaryKey())
    .addColumn('applied', 'bigint', (c: any) => c.notNull())
    .execute();
  const done = new Set<string>(
    (await k.selectFrom('nimbo_migrations').select('name').execute()).map((r: { name: string }) => r.name),
  );
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    log(`applying migration ${m.name}`);
    // MySQL cannot roll back DDL, so a failed migration there must be repaired by hand;
    // on SQLite/PostgreSQL it is all-or-nothing.
    if (db.dialect === 'mysql') {
      await m.up(k, db.dialect);
      await k.insertInto('nimbo_migrations').values({ name: m.name, applied: Date.now() }).execute();
    } else {
      await k.transaction().execute(async (trx: any) => {
        await m.up(trx, db.dialect);
        await trx.insertInto('nimbo_migrations').values({ name: m.name, applied: Date.now() }).execute();
      });
    }
    applied.push(m.name);
  }
  return applied;
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  try {
    const rows = await (db.kysely as any).selectFrom('nimbo_migrations').select('name').execute();
    const done = new Set(rows.map((r: { name: string }) => r.name));
    return MIGRATIONS.filter((m) => !done.has(m.name)).map((m) => m.name);
  } catch {
    return MIGRATIONS.map((m) => m.name);
  }
}

/** Migrations recorded as applied that this release does not have (a newer release applied them). */
export async function unknownMigrations(db: Db): Promise<string[]> {
  let rows: Array<{ name: string }>;
  try {
    rows = await (db.kysely as any).selectFrom('nimbo_migrations').select('name').orderBy('name').execute();
  } catch {
    return []; // A new database.
  }
  const known = new Set(MIGRATIONS.map((m) => m.name));
  return rows.map((r) => r.name).filter((n) => !known.has(n));
}

export { sql };
