import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, DummyDriver, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteQueryCompiler, MysqlQueryCompiler, sql, type Dialect } from 'kysely';
import { withListCache } from './compile-cache.js';

interface Db {
  accounts: { id: number; name: string; domain_id: number; removed: number | null };
  domains: { id: number; path: string; parent_id: number | null };
}

/** A Kysely that only compiles (no database), with the given compiler. */
function compilerOnly(Compiler: new () => unknown): Kysely<Db> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new Compiler() as PostgresQueryCompiler,
  };
  return new Kysely<Db>({ dialect });
}

function queries(k: Kysely<Db>) {
  const base = k
    .selectFrom('accounts as a')
    .innerJoin('domains as d', 'd.id', 'a.domain_id')
    .select((eb) => [
      'a.id', 'a.name', 'd.path',
      eb.selectFrom('domains as c').select(eb.fn.countAll<number>().as('n')).whereRef('c.parent_id', '=', 'd.id').as('children'),
      eb.val('x').as('constant'),
    ])
    .where('a.removed', 'is', null);
  return [
    base.where('a.id', '=', 7).orderBy('a.id'),
    base.where('a.id', 'in', [1, 2, 3]).where('d.path', 'like', 'ROOT/%'),
    base.where('a.name', '=', 'n').limit(sql.lit(10)).offset(sql.lit(20)),
    base.clearSelect().select((eb) => eb.fn.countAll().as('n')).where('a.id', '!=', 1),
    k.insertInto('accounts').values([{ id: 1, name: 'a', domain_id: 1, removed: null }, { id: 2, name: 'b', domain_id: 1, removed: null }]),
    k.updateTable('accounts').set({ name: 'z', removed: 5 }).where('id', 'in', [4, 5]),
  ];
}

describe('withListCache', () => {
  for (const [label, Plain] of [['sqlite', SqliteQueryCompiler], ['postgres', PostgresQueryCompiler], ['mysql', MysqlQueryCompiler]] as const) {
    it(`compiles exactly like the plain ${label} compiler, on first use and on reuse`, () => {
      const plain = queries(compilerOnly(Plain)).map((q) => q.compile());
      const cached = compilerOnly(withListCache(Plain));
      const qs = queries(cached);
      for (let round = 0; round < 3; round++) {
        qs.forEach((q, i) => {
          const c = q.compile();
          assert.equal(c.sql, plain[i]!.sql, `${label} query ${i} round ${round}`);
          assert.deepEqual(c.parameters, plain[i]!.parameters);
        });
      }
    });
  }

  it('numbers PostgreSQL placeholders correctly after a cached list', () => {
    const k = compilerOnly(withListCache(PostgresQueryCompiler));
    const base = k.selectFrom('accounts').select(['id', 'name', 'domain_id']);
    base.where('id', '=', 1).compile();
    const c = base.where('id', '=', 2).where('name', '=', 'x').compile();
    assert.equal(c.sql, 'select "id", "name", "domain_id" from "accounts" where "id" = $1 and "name" = $2');
    assert.deepEqual(c.parameters, [2, 'x']);
  });
});
