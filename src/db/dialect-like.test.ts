import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { likeInsensitive, likePattern, openDb } from './dialect.js';

describe('LIKE on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbo-like-'));
  const db = openDb(undefined, dir);
  const k = db.kysely as unknown as Kysely<{ names: { name: string } }>;
  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('matches wildcard characters of a keyword literally, as PostgreSQL and MySQL do', async () => {
    await sql`create table names (name text)`.execute(k);
    await k.insertInto('names').values([{ name: 'x_y' }, { name: 'xay' }, { name: '100%' }, { name: '1000' }, { name: 'a\\b' }]).execute();
    const find = async (kw: string) => (await k.selectFrom('names').select('name').where('name', likeInsensitive(db.dialect), likePattern(kw)).orderBy('name').execute()).map((r) => r.name);
    assert.deepEqual(await find('x_y'), ['x_y']);
    assert.deepEqual(await find('0%'), ['100%']);
    assert.deepEqual(await find('a\\b'), ['a\\b']);
    assert.deepEqual(await find('X'), ['x_y', 'xay']);
    const notLike = await k.selectFrom('names').select('name').where('name', 'not like', likePattern('_')).orderBy('name').execute();
    assert.deepEqual(notLike.map((r) => r.name), ['100%', '1000', 'a\\b', 'xay']);
  });
});
