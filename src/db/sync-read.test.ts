import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openDb } from './dialect.js';
import { QueryTemplate } from './prepared.js';
import { syncReaderOf, syncRunnerOf } from './sync-read.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test table outside the schema
const anyK = (k: unknown) => k as Kysely<any>;
const IDS = new QueryTemplate<{ id: number }>((k) => anyK(k).selectFrom('t').select('id').orderBy('id'));

describe('SQLite reads at once when the connection is free', () => {
  it('answers a template read at once, waits behind an open transaction and never sees its uncommitted rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-syncread-'));
    const db = openDb(undefined, dir);
    try {
      await sql`create table t (id integer primary key)`.execute(db.kysely);
      const reader = syncReaderOf(db.kysely);
      assert.ok(reader, 'SQLite has an at-once reader');
      const text = IDS.compiled(db.kysely, '', {}).sql;
      assert.deepEqual(reader(text, []), []);
      assert.equal(reader('insert into t (id) values (9)', []), undefined, 'writes are not run by the reader');

      let inside!: () => void;
      let finish!: () => void;
      const entered = new Promise<void>((r) => (inside = r));
      const hold = new Promise<void>((r) => (finish = r));
      const tx = db.kysely.transaction().execute(async (trx) => {
        assert.equal(syncReaderOf(trx), undefined, 'never inside a transaction');
        await anyK(trx).insertInto('t').values({ id: 1 }).execute();
        inside();
        await hold;
      });
      await entered;
      assert.equal(reader(text, []), undefined, 'the connection is held by the transaction');
      let done = false;
      const read = IDS.execute(db.kysely, '', {}).then((rows) => ((done = true), rows));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(done, false, 'the read waits for the transaction');
      finish();
      await tx;
      assert.deepEqual(await read, [{ id: 1 }], 'and then sees its committed row');
      assert.deepEqual(await IDS.execute(db.kysely, '', {}), [{ id: 1 }]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps cacheable reads until the table is written, by this connection or (from the next turn) another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-syncread-'));
    const db = openDb(undefined, dir);
    const other = openDb(undefined, dir);
    const CACHED = new QueryTemplate<{ id: number }>((k, $) => anyK(k).selectFrom('t').select('id').where('id', '>', $<number>('min')).orderBy('id'), { cacheRows: true });
    const turn = () => new Promise<void>((r) => setImmediate(r));
    try {
      await sql`create table t (id integer primary key)`.execute(db.kysely);
      await sql`create table u (id integer primary key)`.execute(db.kysely);
      await anyK(db.kysely).insertInto('t').values({ id: 1 }).execute();
      const first = await CACHED.execute(db.kysely, '', { min: 0 });
      assert.deepEqual(first, [{ id: 1 }]);
      assert.equal(await CACHED.execute(db.kysely, '', { min: 0 }), first, 'the same rows, from the cache');
      assert.ok(Object.isFrozen(first[0]), 'shared rows are frozen');
      assert.deepEqual(await CACHED.execute(db.kysely, '', { min: 1 }), [], 'other arguments, another entry');

      await anyK(db.kysely).insertInto('u').values({ id: 5 }).execute();
      assert.equal(await CACHED.execute(db.kysely, '', { min: 0 }), first, 'a write of another table keeps it');
      await anyK(db.kysely).insertInto('t').values({ id: 2 }).execute();
      assert.deepEqual(await CACHED.execute(db.kysely, '', { min: 0 }), [{ id: 1 }, { id: 2 }], 'a write of t drops it at once');

      await turn();
      await anyK(other.kysely).deleteFrom('t').where('id', '=', 1).execute();
      await turn();
      assert.deepEqual(await CACHED.execute(db.kysely, '', { min: 0 }), [{ id: 2 }], "another connection's commit is seen");
    } finally {
      await other.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a template write at once in its own transaction (rolled back with it) and on the free connection, and waits behind a transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-syncrun-'));
    const db = openDb(undefined, dir);
    const INSERT = new QueryTemplate((k, $) => anyK(k).insertInto('t').values({ id: $<number>('id') }));
    try {
      await sql`create table t (id integer primary key)`.execute(db.kysely);
      const runner = syncRunnerOf(db.kysely)!;
      assert.ok(runner, 'SQLite has an at-once runner');
      const r = await INSERT.run(db.kysely, '', { id: 1 });
      assert.equal(Number(r.numAffectedRows), 1);
      await db.kysely.transaction().execute(async (trx) => {
        assert.equal(syncRunnerOf(trx), runner, 'transactions share it');
        assert.equal(Number((await INSERT.run(trx, '', { id: 2 })).insertId), 2);
        assert.deepEqual(await IDS.execute(trx, '', {}), [{ id: 1 }, { id: 2 }], 'the transaction sees its own write');
        throw new Error('roll back');
      }).catch(() => undefined);
      assert.deepEqual(await IDS.execute(db.kysely, '', {}), [{ id: 1 }], 'rolled back with the transaction');

      let finish!: () => void;
      const hold = new Promise<void>((res) => (finish = res));
      let entered!: () => void;
      const inside = new Promise<void>((res) => (entered = res));
      const tx = db.kysely.transaction().execute(async () => {
        entered();
        await hold;
      });
      await inside;
      assert.equal(runner('insert into t (id) values (3)', [], false), undefined, 'not while another transaction holds the connection');
      const write = INSERT.run(db.kysely, '', { id: 3 });
      finish();
      await tx;
      await write;
      assert.deepEqual(await IDS.execute(db.kysely, '', {}), [{ id: 1 }, { id: 3 }]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is absent for PostgreSQL and MySQL, whose queries are asynchronous anyway', async () => {
    for (const url of ['postgres://nobody@127.0.0.1:1/none', 'mysql://nobody@127.0.0.1:1/none']) {
      const db = openDb(url, tmpdir());
      assert.equal(syncReaderOf(db.kysely), undefined);
      assert.equal(syncRunnerOf(db.kysely), undefined);
      await db.close();
    }
  });
});
