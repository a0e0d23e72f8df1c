/**
 * Kysely's SQLite driver calls `prepare(sql)` for every query, and better-sqlite3 compiles
 * the SQL each time: the largest single cost of a simple API request (issue #2 bench). This
 * wrapper keeps compiled statements by SQL text, bounded, oldest dropped first. A statement
 * still iterating (a streamed query) is never handed out twice; such a caller gets a fresh one.
 * `onWrite` hears of every statement that may write, before it runs (db/read-cache.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export const STATEMENT_CACHE_SIZE = 500;

/** Kysely's view of the database, with better-sqlite3's `readonly` flag on statements. */
export interface CachingSqlite extends SqliteDatabase {
  prepare(sql: string): SqliteStatement & { readonly readonly: boolean };
}

export function cachingSqlite(conn: BetterSqlite3.Database, max = STATEMENT_CACHE_SIZE, onWrite?: (sql: string) => void): CachingSqlite {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => conn.close(),
    // Kysely prepares every statement right before it runs it.
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit) {
        if (!hit.readonly) onWrite?.(sql);
        if (hit.busy) return conn.prepare(sql);
        return hit;
      }
      const stmt = conn.prepare(sql);
      if (!stmt.readonly) onWrite?.(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
