/** Instance group commands over real HTTP, scoping, and the assign() API the VM area uses. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';

for (const dialect of dialectsUnderTest()) {
  describe(`instance groups (${dialect})`, () => {
    let s: TestServer;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let bob: Awaited<ReturnType<TestServer['newAccount']>>;
    const code = async (c: ApiClient, cmd: string, params: Record<string, string>) => {
      const r = await c.call(cmd, params);
      return r.status === 200 ? 200 : (r.inner['errorcode'] as number);
    };

    before(async () => {
      s = await startServer(dialect);
      alice = await s.newAccount({ name: `galice${dialect}` });
      bob = await s.newAccount({ name: `gbob${dialect}` });
    });
    after(async () => {
      await s.close();
    });

    it('creates, renames, lists and deletes a group', async () => {
      const g = (await alice.ok('createInstanceGroup', { name: 'web' }))['instancegroup'];
      assert.equal(g.name, 'web');
      assert.equal(g.account, alice.accountName);
      assert.equal(g.domainpath, 'ROOT');
      assert.match(g.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      assert.equal(await code(alice, 'createInstanceGroup', { name: 'web' }), 431);
      await alice.ok('createInstanceGroup', { name: 'db' });
      assert.equal(await code(alice, 'updateInstanceGroup', { id: g.id, name: 'db' }), 431);
      const renamed = (await alice.ok('updateInstanceGroup', { id: g.id, name: 'frontend' }))['instancegroup'];
      assert.equal(renamed.name, 'frontend');
      const listed = (await alice.ok('listInstanceGroups'))['instancegroup'];
      assert.deepEqual(listed.map((x: any) => x.name), ['frontend', 'db']);
      assert.deepEqual((await alice.ok('listInstanceGroups', { name: 'db' }))['instancegroup'].map((x: any) => x.name), ['db']);
      const del = await alice.call('deleteInstanceGroup', { id: g.id });
      assert.equal(del.inner['success'], 'true');
      assert.deepEqual((await alice.ok('listInstanceGroups'))['instancegroup'].map((x: any) => x.name), ['db']);
      // a deleted group's name is free again
      await alice.ok('createInstanceGroup', { name: 'frontend' });
    });

    it('keeps other accounts out', async () => {
      const g = (await alice.ok('listInstanceGroups', { name: 'db' }))['instancegroup'][0];
      assert.equal((await bob.ok('listInstanceGroups'))['count'] ?? 0, 0);
      assert.equal(await code(bob, 'updateInstanceGroup', { id: g.id, name: 'mine' }), 531);
      assert.equal(await code(bob, 'deleteInstanceGroup', { id: g.id }), 531);
      assert.equal(await code(bob, 'listInstanceGroups', { id: g.id }), 200);
      assert.equal((await bob.ok('listInstanceGroups', { id: g.id }))['count'] ?? 0, 0);
      const all = await s.admin.ok('listInstanceGroups', { listall: true });
      assert.equal(all['count'], 2);
      const domainid = (await alice.ok('listAccounts'))['account'][0].domainid;
      const made = (await s.admin.ok('createInstanceGroup', { name: 'ops', account: bob.accountName, domainid }))['instancegroup'];
      assert.equal(made.account, bob.accountName);
    });

    it('assigns VMs by name (creating the group) or id, one group per VM', async () => {
      const accountId = Number((await s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', alice.accountId).executeTakeFirstOrThrow()).id);
      const groups = s.app.services.instanceGroups;
      const k = s.app.db.kysely;
      const g1 = await k.transaction().execute((trx) => groups.assign(trx, 9001, 'batch', accountId));
      assert.equal(g1?.name, 'batch');
      assert.ok((await alice.ok('listInstanceGroups', { name: 'batch' }))['count'] === 1);
      const db = (await alice.ok('listInstanceGroups', { name: 'db' }))['instancegroup'][0];
      const dbId = Number((await k.selectFrom('instance_groups').select('id').where('uuid', '=', db.id).executeTakeFirstOrThrow()).id);
      await k.transaction().execute((trx) => groups.assign(trx, 9001, dbId, accountId));
      await k.transaction().execute((trx) => groups.assign(trx, 9002, 'batch', accountId));
      const of = await groups.groupsOfVms([9001, 9002, 9003]);
      assert.deepEqual([of.get(9001)?.name, of.get(9002)?.name, of.get(9003)], ['db', 'batch', undefined]);
      await assert.rejects(k.transaction().execute((trx) => groups.assign(trx, 9003, 999999, accountId)), /Unable to find a vm group/);
      await k.transaction().execute((trx) => groups.assign(trx, 9001, null, accountId));
      assert.equal((await groups.groupsOfVms([9001])).size, 0);
    });

    it('drops the groups of a deleted account', async () => {
      await s.admin.jobOk('deleteAccount', { id: alice.accountId });
      assert.equal((await s.admin.ok('listInstanceGroups', { listall: true }))['count'], 1);
      const maps = await s.app.db.kysely.selectFrom('instance_group_vm_map').select('id').execute();
      assert.equal(maps.length, 0);
    });
  });
}
