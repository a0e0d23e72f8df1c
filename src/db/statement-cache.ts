/**
 * Kysely's SQLite driver calls `prepare(sql)` for every query, and better-sqlite3 compiles
 * the SQL each time: the largest single cost of a simple API request (issue #2 bench). This
 * wrapper keeps compiled statements by SQL text, bounded, oldest dropped first. A statement
 * still iterating (a streamed query) is never handed out twice; such a caller gets a fresh one.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export const STATEMENT_CACHE_SIZE = 500;

export function cachingSqlite(conn: BetterSqlite3.Database, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => conn.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        if (hit.busy) return conn.prepare(sql);
        return hit;
      }
      const stmt = conn.prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
