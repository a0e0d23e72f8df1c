/**
 * Resource limit commands over real HTTP: updateResourceLimit / listResourceLimits /
 * updateResourceCount across a domain tree, permissions, and the limit fields of
 * listAccounts / listDomains.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';

for (const dialect of dialectsUnderTest()) {
  describe(`limits API (${dialect})`, () => {
    let s: TestServer;
    let a: Record<string, any>;
    let b: Record<string, any>;
    let user: Awaited<ReturnType<TestServer['newAccount']>>;
    let dadmin: Awaited<ReturnType<TestServer['newAccount']>>;
    const code = async (c: ApiClient, cmd: string, params: Record<string, string | number>) => {
      const r = await c.call(cmd, params);
      return r.status === 200 ? 200 : (r.inner['errorcode'] as number);
    };

    before(async () => {
      s = await startServer(dialect);
      a = (await s.admin.ok('createDomain', { name: 'a' }))['domain'];
      b = (await s.admin.ok('createDomain', { name: 'b', parentdomainid: a.id }))['domain'];
      user = await s.newAccount({ domainid: b.id, name: `lim${dialect}` });
      dadmin = await s.newAccount({ domainid: a.id, accounttype: 2, name: `dadm${dialect}` });
    });
    after(async () => {
      await s.close();
    });

    it('lists the defaults of an account: resourcetype as a string, max as a number', async () => {
      const r = await user.ok('listResourceLimits');
      assert.equal(r['count'], 12);
      const vm = r['resourcelimit'].find((l: any) => l.resourcetype === '0');
      assert.deepEqual(vm, { account: user.accountName, domainid: b.id, domain: 'b', domainpath: 'ROOT/a/b', resourcetype: '0', resourcetypename: 'user_vm', max: 20 });
      const ps = r['resourcelimit'].find((l: any) => l.resourcetypename === 'primary_storage');
      assert.equal(ps.max, 200);
      const one = await user.ok('listResourceLimits', { resourcetype: 9 });
      assert.deepEqual(one['resourcelimit'].map((l: any) => [l.resourcetype, l.max]), [['9', 40960]]);
      const admin = await s.admin.ok('listResourceLimits', { resourcetype: 0 });
      assert.equal(admin['resourcelimit'][0].max, -1);
    });

    it('updates account and domain limits; users may list but not update', async () => {
      const acc = (await s.admin.ok('updateResourceLimit', { account: user.accountName, domainid: b.id, resourcetype: 0, max: 5 }))['resourcelimit'];
      assert.equal(acc.max, 5);
      assert.equal(acc.account, user.accountName);
      const dom = (await s.admin.ok('updateResourceLimit', { domainid: b.id, resourcetype: 10, max: 100 }))['resourcelimit'];
      assert.deepEqual([dom.account, dom.domainid, dom.resourcetype, dom.max], [undefined, b.id, '10', 100]);
      const listed = await s.admin.ok('listResourceLimits', { domainid: b.id, resourcetype: 10 });
      assert.equal(listed['resourcelimit'][0].max, 100);
      assert.equal((await user.ok('listResourceLimits', { resourcetype: 0 }))['resourcelimit'][0].max, 5);
      assert.equal(await code(user, 'updateResourceLimit', { resourcetype: 0, max: 100, account: user.accountName, domainid: b.id }), 432);
      // -1 lifts the limit again
      assert.equal((await s.admin.ok('updateResourceLimit', { domainid: b.id, resourcetype: 10, max: -1 }))['resourcelimit'].max, -1);
    });

    it('rejects bad values, the ROOT domain, a child above its parent and a domain admin on its own domain', async () => {
      assert.equal(await code(s.admin, 'updateResourceLimit', { domainid: b.id, resourcetype: 0, max: -2 }), 431);
      assert.equal(await code(s.admin, 'updateResourceLimit', { domainid: b.id, resourcetype: 42, max: 1 }), 431);
      const root = (await s.admin.ok('listDomains', { name: 'ROOT' }))['domain'][0];
      assert.equal(await code(s.admin, 'updateResourceLimit', { domainid: root.id, resourcetype: 0, max: 1 }), 531);
      // a's default user_vm limit is 40 (max.domain.user.vms)
      assert.equal(await code(s.admin, 'updateResourceLimit', { domainid: b.id, resourcetype: 0, max: 50 }), 431);
      assert.equal(await code(dadmin, 'updateResourceLimit', { domainid: a.id, resourcetype: 0, max: 10 }), 531);
      assert.equal((await dadmin.ok('updateResourceLimit', { domainid: b.id, resourcetype: 0, max: 10 }))['resourcelimit'].max, 10);
      assert.equal(await code(user, 'listResourceLimits', { account: 'admin', domainid: root.id }), 531);
    });

    it('recounts from registered counters and shows limits in listAccounts and listDomains', async () => {
      const accountId = Number((await s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', user.accountId).executeTakeFirstOrThrow()).id);
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.limits.increment(trx, accountId, 'user_vm', 4));
      s.app.services.limits.registerCounter('user_vm', async (id) => (id === accountId ? 3 : 0));
      const acc = await s.admin.ok('updateResourceCount', { domainid: b.id, account: user.accountName, resourcetype: 0 });
      assert.deepEqual(acc['resourcecount'], [{ account: user.accountName, domainid: b.id, domain: 'b', domainpath: 'ROOT/a/b', resourcetype: '0', resourcetypename: 'user_vm', resourcecount: 3 }]);
      const dom = await s.admin.ok('updateResourceCount', { domainid: a.id });
      assert.equal(dom['count'], 12);
      assert.equal(dom['resourcecount'].find((c: any) => c.resourcetype === '0').resourcecount, 3);
      assert.equal(await code(user, 'updateResourceCount', { domainid: b.id }), 432);

      const mine = (await user.ok('listAccounts'))['account'][0];
      assert.deepEqual([mine.vmlimit, mine.vmtotal, mine.vmavailable], ['5', 3, '2']);
      assert.deepEqual([mine.primarystoragelimit, mine.primarystoragetotal, mine.iplimit], ['200', 0, '20']);
      const admin = (await s.admin.ok('listAccounts', { name: 'admin' }))['account'][0];
      assert.deepEqual([admin.vmlimit, admin.vmavailable], ['Unlimited', 'Unlimited']);
      const domains = (await s.admin.ok('listDomains', { listall: true }))['domain'];
      const root = domains.find((d: any) => d.name === 'ROOT');
      const db = domains.find((d: any) => d.name === 'b');
      assert.deepEqual([root.vmlimit, root.vmtotal], ['Unlimited', 3]);
      assert.deepEqual([db.vmlimit, db.vmtotal, db.vmavailable], ['10', 3, '7']);
    });

    it('forgets a deleted account and takes its counts off its domains', async () => {
      const accountId = Number((await s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', user.accountId).executeTakeFirstOrThrow()).id);
      await s.admin.jobOk('deleteAccount', { id: user.accountId });
      const left = await s.app.db.kysely.selectFrom('resource_limits').select('id').where('owner_type', '=', 'account').where('owner_id', '=', accountId).execute();
      assert.equal(left.length, 0);
      const bId = Number((await s.app.db.kysely.selectFrom('domains').select('id').where('uuid', '=', b.id).executeTakeFirstOrThrow()).id);
      assert.equal(await s.app.services.limits.count({ kind: 'domain', id: bId }, 'user_vm'), 0);
    });
  });
}
