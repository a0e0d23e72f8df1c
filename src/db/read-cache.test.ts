import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadCache, parameterKey, tableWritten, tablesNamed } from './read-cache.js';

const SCHEMA = new Map<string, 'table' | 'view'>([['users', 'table'], ['accounts', 'table'], ['events', 'table'], ['v_all', 'view']]);
const turn = () => new Promise<void>((r) => setImmediate(r));

function cache(dataVersion = { v: 1 }) {
  return new ReadCache(() => dataVersion.v, () => SCHEMA, 3, 2);
}

describe('read cache: which tables a statement touches', () => {
  it('names the table of each kind of write Kysely or plain SQL produces', () => {
    assert.equal(tableWritten('insert into "users" ("id") values (?)'), 'users');
    assert.equal(tableWritten('insert or ignore into events (id) values (?)'), 'events');
    assert.equal(tableWritten('update "accounts" set "state" = ? where "id" = ?'), 'accounts');
    assert.equal(tableWritten('  DELETE FROM "users" where "id" in (select "id" from "accounts")'), 'users');
    assert.equal(tableWritten('replace into users(id) values (1)'), 'users');
    assert.equal(tableWritten('create table t (a integer)'), undefined, 'DDL is not a plain write');
    assert.equal(tableWritten('with x as (select 1) insert into "users" select * from x'), undefined);
  });

  it('counts every word that names a table as read, and refuses views', () => {
    assert.deepEqual(tablesNamed('select "u"."id" from "users" as "u" inner join "accounts" as "a" on "a"."id" = "u"."account_id"', SCHEMA)?.sort(), ['accounts', 'users']);
    assert.deepEqual(tablesNamed('select 1 as l, owner_id from users, accounts where 1', SCHEMA)?.sort(), ['accounts', 'users'], 'comma joins and unquoted names');
    assert.equal(tablesNamed('select * from v_all', SCHEMA), undefined);
  });

  it('keys parameters by type and value, and refuses anything else', () => {
    assert.notEqual(parameterKey([1]), parameterKey(['1']));
    assert.notEqual(parameterKey(['a', 'b']), parameterKey(['ab']));
    assert.equal(parameterKey([null]), parameterKey([null]));
    assert.equal(parameterKey([Buffer.from('x')]), undefined);
  });
});

describe('read cache: freshness', () => {
  const SQL = 'select "id" from "users" inner join "accounts" on 1';

  it('answers until a table the read names is written, and keeps it across writes of other tables', () => {
    const c = cache();
    assert.equal(c.get(SQL, 'k'), undefined);
    c.set(SQL, 'k', [{ id: 1 }], c.now);
    assert.deepEqual(c.get(SQL, 'k'), [{ id: 1 }]);
    c.noteWrite('insert into "events" ("id") values (?)');
    assert.deepEqual(c.get(SQL, 'k'), [{ id: 1 }], 'events is not read');
    c.noteWrite('update "accounts" set "state" = ?');
    assert.equal(c.get(SQL, 'k'), undefined, 'accounts is');
  });

  it('drops everything on a write it cannot attribute (DDL)', () => {
    const c = cache();
    c.set(SQL, 'k', [{ id: 1 }], c.now);
    c.noteWrite('alter table users add column x text');
    assert.equal(c.get(SQL, 'k'), undefined);
  });

  it('never keeps a result stamped before a write that ran between the read and the keeping', () => {
    const c = cache();
    c.get(SQL, 'k');
    const readAt = c.now;
    c.noteWrite('delete from "users"');
    c.set(SQL, 'k', [{ id: 1 }], readAt);
    assert.equal(c.get(SQL, 'k'), undefined);
  });

  it('sees another connection\'s commit (data_version) from the next turn of the event loop', async () => {
    const dv = { v: 1 };
    const c = cache(dv);
    await turn();
    c.set(SQL, 'k', [{ id: 1 }], c.now);
    assert.deepEqual(c.get(SQL, 'k'), [{ id: 1 }]);
    dv.v = 2;
    await turn();
    assert.equal(c.get(SQL, 'k'), undefined);
  });

  it('freezes what it keeps, skips large results and views, and stays bounded', () => {
    const c = cache();
    const rows = [{ id: 1 }];
    c.set(SQL, 'a', rows, c.now);
    assert.throws(() => ((rows[0] as { id: number }).id = 2), TypeError);
    assert.throws(() => rows.push({ id: 3 }), TypeError);
    c.set(SQL, 'big', [{ id: 1 }, { id: 2 }, { id: 3 }], c.now);
    assert.equal(c.get(SQL, 'big'), undefined, 'more than maxRows');
    c.set('select * from v_all', 'a', [{ id: 1 }], c.now);
    assert.equal(c.get('select * from v_all', 'a'), undefined, 'a view hides its tables');
    for (const k of ['b', 'c', 'd']) c.set(SQL, k, [{ id: 1 }], c.now);
    assert.equal(c.get(SQL, 'a'), undefined, 'the fourth entry emptied a cache of three');
    assert.deepEqual(c.get(SQL, 'd'), [{ id: 1 }]);
  });
});
