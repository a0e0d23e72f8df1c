import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openDb } from './dialect.js';
import { rowChangeFeed } from './row-changes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test table outside the schema
const anyK = (k: unknown) => k as Kysely<any>;

describe('SQLite row change feed', () => {
  it('gives all rows first, then the ids written through this connection (rolled back too), all again after another connection commits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-rowchanges-'));
    const db = openDb(undefined, dir);
    const other = openDb(undefined, dir);
    try {
      const k = anyK(db.kysely);
      await sql`create table t (id integer primary key, v integer)`.execute(k);
      await k.insertInto('t').values([{ id: 1, v: 0 }, { id: 2, v: 0 }, { id: 3, v: 0 }]).execute();
      const feed = rowChangeFeed(db.kysely, 't')!;
      const second = rowChangeFeed(db.kysely, 't')!;
      const take = (f = feed) => f.take((changed, query) => ({ changed: changed === 'all' ? 'all' : [...changed].sort(), rows: query('select id from t order by id', []) }));
      assert.deepEqual(take(), { changed: 'all', rows: [{ id: 1 }, { id: 2 }, { id: 3 }] });
      assert.deepEqual(take()?.changed, []);

      await k.updateTable('t').set({ v: 1 }).where('id', '=', 2).execute();
      await k.insertInto('t').values({ id: 4, v: 0 }).execute();
      await k.deleteFrom('t').where('id', '=', 1).execute();
      await k.transaction().execute(async (trx) => {
        await trx.updateTable('t').set({ v: 2 }).where('id', '=', 3).execute();
        assert.equal(feed.take(() => 'ran'), undefined, 'nothing runs while a transaction holds the connection');
      });
      await k.transaction().execute(async (trx) => {
        await trx.updateTable('t').set({ v: 9 }).where('id', '=', 2).execute();
        throw new Error('roll back');
      }).catch(() => undefined);
      assert.deepEqual(take()?.changed, [1, 2, 3, 4]);
      assert.deepEqual(take()?.changed, []);
      assert.deepEqual(take(second)?.changed, 'all', 'every feed sees every change once');

      await anyK(other.kysely).updateTable('t').set({ v: 5 }).where('id', '=', 4).execute();
      assert.deepEqual(take()?.changed, 'all', 'another connection committed');
      assert.deepEqual(take()?.changed, []);
      assert.equal(rowChangeFeed(await db.kysely.transaction().execute(async (trx) => trx), 't'), undefined);
    } finally {
      await other.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is absent for PostgreSQL and MySQL, whose other servers write behind our back', async () => {
    for (const url of ['postgres://nobody@127.0.0.1:1/none', 'mysql://nobody@127.0.0.1:1/none']) {
      const db = openDb(url, tmpdir());
      assert.equal(rowChangeFeed(db.kysely, 't'), undefined);
      await db.close();
    }
  });
});
