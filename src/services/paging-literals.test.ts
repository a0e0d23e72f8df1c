import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, DummyDriver, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type CompiledQuery } from 'kysely';
import { Page } from './paging.js';

describe('Page.run SQL', () => {
  it('writes LIMIT and OFFSET as literals (SQLite re-plans a statement whose LIMIT is bound)', async () => {
    const seen: CompiledQuery[] = [];
    const k = new Kysely<{ t: { id: number } }>({
      dialect: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() },
      log: (e) => void seen.push(e.query),
    });
    await Page.from({ page: 3, pagesize: 20 }, 500).run(k.selectFrom('t').select('id').where('id', '>', 5));
    assert.equal(seen[0]!.sql, 'select "id" from "t" where "id" > ? limit 20 offset 40');
    assert.deepEqual(seen[0]!.parameters, [5]);
  });
});
