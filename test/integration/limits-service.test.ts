/**
 * The limits service API other areas call (check / increment / decrement / reserve), on a
 * real database: a domain tree, defaults, root admins, and a race of many reservations
 * against a small limit that must end exactly at the limit.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { CloudError } from '../../src/api/errors.js';

for (const dialect of dialectsUnderTest()) {
  describe(`limits service (${dialect})`, () => {
    let s: TestServer;
    const ids: Record<string, number> = {};
    const idOf = async (table: 'accounts' | 'domains', uuid: string) =>
      Number((await s.app.db.kysely.selectFrom(table).select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow()).id);
    const setLimit = (owner_type: 'account' | 'domain', owner_id: number, type: string, max: number) =>
      s.app.db.kysely.insertInto('resource_limits').values({ owner_type, owner_id, type, max }).execute();
    const count = (kind: 'account' | 'domain', id: number, type = 'user_vm' as const) => s.app.services.limits.count({ kind, id }, type);
    const reserve = (accountId: number, n = 1) => s.app.db.kysely.transaction().execute((trx) => s.app.services.limits.reserve(trx, accountId, 'user_vm', n));

    before(async () => {
      s = await startServer(dialect);
      const a = (await s.admin.ok('createDomain', { name: 'a' }))['domain'];
      const b = (await s.admin.ok('createDomain', { name: 'b', parentdomainid: a.id }))['domain'];
      ids['a'] = await idOf('domains', a.id);
      ids['b'] = await idOf('domains', b.id);
      for (const [name, dom] of [['u1', b.id], ['u2', b.id], ['u3', a.id], ['race', b.id]] as const) {
        const c = await s.newAccount({ domainid: dom, name: `${name}${dialect}` });
        ids[name] = await idOf('accounts', c.accountId);
      }
    });
    after(async () => {
      await s.close();
    });

    it('enforces the account limit with CloudStack\'s message and counts up the domain chain', async () => {
      await setLimit('account', ids['u1']!, 'user_vm', 2);
      await reserve(ids['u1']!);
      await reserve(ids['u1']!);
      await assert.rejects(reserve(ids['u1']!), (e: unknown) => {
        assert.ok(e instanceof CloudError);
        assert.equal(e.kind, 'AccountLimit');
        assert.match(e.message, new RegExp(`^Maximum number of resources of type 'user_vm' for account name=u1${dialect} in domain id=[0-9a-f-]{36} has been exceeded\\.$`));
        return true;
      });
      assert.equal(await count('account', ids['u1']!), 2);
      assert.equal(await count('domain', ids['b']!), 2);
      assert.equal(await count('domain', ids['a']!), 2);
      assert.equal(await count('domain', 1), 2);
    });

    it('enforces the parent and grandparent domain limits', async () => {
      await setLimit('domain', ids['b']!, 'user_vm', 3);
      await reserve(ids['u2']!);
      await assert.rejects(reserve(ids['u2']!), /for domain id=.* has been exceeded/);
      assert.equal(await count('account', ids['u2']!), 1);
      await s.app.db.kysely.updateTable('resource_limits').set({ max: -1 }).where('owner_type', '=', 'domain').where('owner_id', '=', ids['b']!).execute();
      await setLimit('domain', ids['a']!, 'user_vm', 4);
      await reserve(ids['u3']!);
      await assert.rejects(reserve(ids['u2']!), (e: any) => e.kind === 'AccountLimit' && e.message.includes('for domain id='));
      await assert.rejects(reserve(ids['u3']!), (e: any) => e.kind === 'AccountLimit');
      await s.app.db.kysely.updateTable('resource_limits').set({ max: -1 }).where('owner_type', '=', 'domain').where('owner_id', '=', ids['a']!).execute();
      await reserve(ids['u3']!, 5);
      assert.equal(await count('domain', ids['a']!), 9);
    });

    it('decrements the chain and a failed check leaves counts untouched', async () => {
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.limits.decrement(trx, ids['u3']!, 'user_vm', 5));
      assert.equal(await count('account', ids['u3']!), 1);
      assert.equal(await count('domain', ids['a']!), 4);
      await assert.rejects(s.app.services.limits.check(ids['u1']!, 'user_vm', 1));
      await s.app.services.limits.check(ids['u1']!, 'volume', 20);
      await assert.rejects(s.app.services.limits.check(ids['u1']!, 'volume', 21), /type 'volume'/);
    });

    it('never limits root admins', async () => {
      await s.app.services.limits.check(2, 'user_vm', 1_000_000);
      assert.equal(await s.app.services.limits.accountLimit(2, 'cpu'), -1);
    });

    it('keeps counts exact when many reservations race for a small limit', async () => {
      const racer = ids['race']!;
      await setLimit('account', racer, 'cpu', 7);
      const before = await count('domain', ids['b']!, 'cpu' as any);
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, () =>
          s.app.db.kysely.transaction().execute(async (trx) => {
            await s.app.services.limits.check(racer, 'cpu', 1, trx);
            await new Promise((r) => setTimeout(r, 2));
            await s.app.services.limits.increment(trx, racer, 'cpu', 1);
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      for (const f of failed) assert.equal((f.reason as CloudError).kind, 'AccountLimit', String(f.reason));
      assert.equal(ok, 7);
      assert.equal(await count('account', racer, 'cpu' as any), 7);
      assert.equal(await count('domain', ids['b']!, 'cpu' as any), before + 7);
    });

    it('reserves several types all or nothing, and releases them', async () => {
      const u = ids['u2']!;
      const vol = () => count('account', u, 'volume' as any);
      const mem = () => count('account', u, 'memory' as any);
      const [v0, m0] = [await vol(), await mem()];
      await assert.rejects(
        s.app.db.kysely.transaction().execute((trx) => s.app.services.limits.reserveAll(trx, u, { volume: 1, memory: 1_000_000 })),
        /type 'memory'/,
      );
      assert.deepEqual([await vol(), await mem()], [v0, m0]);
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.limits.reserveAll(trx, u, { volume: 2, memory: 512 }));
      assert.deepEqual([await vol(), await mem()], [v0 + 2, m0 + 512]);
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.limits.releaseAll(trx, u, { volume: 2, memory: 512 }));
      assert.deepEqual([await vol(), await mem()], [v0, m0]);
    });

    it('does not deadlock when transactions take types in different orders', async () => {
      const u = ids['u3']!;
      const before = [await count('account', u, 'network' as any), await count('account', u, 'vpc' as any)];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          s.app.db.kysely.transaction().execute(async (trx) => {
            const order = i % 2 ? (['network', 'vpc'] as const) : (['vpc', 'network'] as const);
            await s.app.services.limits.increment(trx, u, order[0], 1);
            await new Promise((r) => setTimeout(r, 1));
            await s.app.services.limits.increment(trx, u, order[1], 1);
          }),
        ),
      );
      assert.deepEqual([await count('account', u, 'network' as any), await count('account', u, 'vpc' as any)], [before[0]! + 30, before[1]! + 30]);
    });
  });
}
