import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, DummyDriver, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type Dialect } from 'kysely';
import { QueryTemplate } from './prepared.js';
import type { Database } from './schema/index.js';

/** A Kysely that only compiles, with PostgreSQL's numbered placeholders ($1, $2…). */
function pgCompilerOnly(): Kysely<Database> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<Database>({ dialect });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test table outside the schema
const anyK = (k: Kysely<Database>) => k as unknown as Kysely<any>;

describe('query templates', () => {
  const k = pgCompilerOnly();
  const direct = (name: string | undefined, ids: number[]) => {
    let q = anyK(k).selectFrom('accounts as a').select(['a.id', 'a.account_name']).where('a.removed', 'is', null).where('a.type', '!=', 5);
    if (name !== undefined) q = q.where('a.account_name', '=', name);
    return q.where('a.id', 'in', ids).orderBy('a.id').limit(sql.lit(10));
  };
  let builds = 0;
  const tpl = new QueryTemplate((kk, $, shape) => {
    builds++;
    const [named, n] = shape.split(',');
    let q = anyK(kk).selectFrom('accounts as a').select(['a.id', 'a.account_name']).where('a.removed', 'is', null).where('a.type', '!=', 5);
    if (named) q = q.where('a.account_name', '=', $('name'));
    return q.where('a.id', 'in', $.list('ids', Number(n))).orderBy('a.id').limit(sql.lit(10));
  });

  it('gives the very SQL and parameters Kysely builds, building each shape once', () => {
    for (const [name, ids] of [['x', [1, 2]], ['y', [3, 4]], [undefined, [5]], [undefined, [6]], ['z', [7, 8]]] as const) {
      const shape = `${name === undefined ? '' : '1'},${ids.length}`;
      const got = tpl.compiled(k, shape, { name, ids });
      const want = direct(name, [...ids]).compile();
      assert.equal(got.sql, want.sql);
      assert.deepEqual(got.parameters, want.parameters);
    }
    assert.equal(builds, 2);
  });

  it('refuses a missing value and a placeholder not bound as a whole parameter', () => {
    assert.throws(() => tpl.compiled(k, '1,1', { ids: [1] }), /no value for name/);
    const bad = new QueryTemplate((kk, $) => anyK(kk).selectFrom('domains').select('id').where('path', 'like', `${$('path')}%`));
    assert.throws(() => bad.compiled(k, '', { path: 'ROOT/' }), /placeholder used inside a value/);
    const inlined = new QueryTemplate((kk, $) => anyK(kk).selectFrom('domains').select('id').where('path', '=', sql.lit($('path'))));
    assert.throws(() => inlined.compiled(k, '', { path: 'ROOT/' }), /inlined into the SQL text/);
  });
});
