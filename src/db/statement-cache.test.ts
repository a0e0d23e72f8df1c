import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { cachingSqlite } from './statement-cache.js';

function fixture() {
  const conn = new BetterSqlite3(':memory:');
  conn.exec('create table t (a integer)');
  conn.exec('insert into t values (1), (2), (3)');
  return conn;
}

describe('cachingSqlite', () => {
  it('hands out the same compiled statement for the same SQL', () => {
    const db = cachingSqlite(fixture());
    const s1 = db.prepare('select a from t where a > ?');
    const s2 = db.prepare('select a from t where a > ?');
    assert.equal(s1, s2);
    assert.deepEqual(s2.all([1]), [{ a: 2 }, { a: 3 }]);
    assert.notEqual(db.prepare('select a from t'), s1);
  });

  it('gives a fresh statement while the cached one is still iterating', () => {
    const db = cachingSqlite(fixture());
    const s1 = db.prepare('select a from t order by a');
    const it1 = s1.iterate([]);
    assert.deepEqual(it1.next().value, { a: 1 });
    const s2 = db.prepare('select a from t order by a');
    assert.notEqual(s2, s1);
    assert.deepEqual(s2.all([]), [{ a: 1 }, { a: 2 }, { a: 3 }]);
    assert.deepEqual(it1.next().value, { a: 2 });
    it1.return?.();
    assert.equal(db.prepare('select a from t order by a'), s1);
  });

  it('keeps at most `max` statements, dropping the oldest', () => {
    const db = cachingSqlite(fixture(), 2);
    const a = db.prepare('select 1');
    db.prepare('select 2');
    db.prepare('select 3');
    assert.notEqual(db.prepare('select 1'), a);
  });

  it('still sees schema changes made after a statement was cached', () => {
    const conn = fixture();
    const db = cachingSqlite(conn);
    assert.deepEqual(db.prepare('select * from t where a = 1').all([]), [{ a: 1 }]);
    conn.exec('alter table t add column b text');
    assert.deepEqual(db.prepare('select * from t where a = 1').all([]), [{ a: 1, b: null }]);
  });
});
