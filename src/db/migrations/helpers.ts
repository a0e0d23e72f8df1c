/** Dialect-neutral building blocks for migrations. */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

export type AnyDb = Kysely<any>;

export interface Migration {
  name: string;
  up(db: AnyDb, dialect: DialectName): Promise<void>;
}

/** CREATE TABLE with the conventional integer `id` primary key. */
export function table(db: AnyDb, dialect: DialectName, name: string): CreateTableBuilder<string, 'id'> {
  const b = db.schema.createTable(name);
  if (dialect === 'postgres') return b.addColumn('id', 'serial', (c) => c.primaryKey());
  if (dialect === 'mysql') return b.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return b.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Long text: TEXT everywhere, LONGTEXT on MySQL (whose TEXT stops at 64 KiB). */
export function longText(dialect: DialectName) {
  return dialect === 'mysql' ? sql`longtext` : sql`text`;
}

export async function index(db: AnyDb, tableName: string, columns: string[], unique = false): Promise<void> {
  let b = db.schema.createIndex(`ix_${tableName}_${columns.join('_')}`).on(tableName).columns(columns);
  if (unique) b = b.unique();
  await b.execute();
}
