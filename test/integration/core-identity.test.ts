/** Domains, accounts and users end to end: tree operations, passwords, keys, deletion. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, ApiClient, type TestServer } from '../helpers/server.js';
import { raw } from '../helpers/http.js';

const person = (name: string, extra: Record<string, string | number> = {}) => ({ username: name, password: 'pw-123456', email: `${name}@example.com`, firstname: 'F', lastname: 'L', ...extra });
const login = (s: TestServer, username: string, password: string, domain = '/') => raw(s.endpoint, { command: 'login', username, password, domain, response: 'json' }, { form: true });

for (const dialect of dialectsUnderTest()) {
  describe(`identity (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('keeps a domain tree of any depth; renaming re-roots the subtree and its admin keeps access at once', async () => {
      const a = (await s.admin.ok('createDomain', { name: 'top' }))['domain'];
      const b = (await s.admin.ok('createDomain', { name: 'mid', parentdomainid: a.id }))['domain'];
      const c = (await s.admin.ok('createDomain', { name: 'leaf', parentdomainid: b.id }))['domain'];
      assert.equal(c.path, 'ROOT/top/mid/leaf');
      assert.equal(c.level, 3);
      assert.equal(c.parentdomainname, 'mid');
      const da = await s.newAccount({ domainid: a.id, accounttype: 2 });
      assert.equal((await da.ok('listAccounts', { domainid: c.id }))['count'] ?? 0, 0);
      const children = await s.admin.ok('listDomainChildren', { id: a.id });
      assert.deepEqual((children['domain'] as any[]).map((d) => d.name), ['mid']);
      const all = await s.admin.ok('listDomainChildren', { id: a.id, isrecursive: true });
      assert.deepEqual((all['domain'] as any[]).map((d) => d.name).sort(), ['leaf', 'mid']);
      assert.equal((await s.admin.ok('listDomains', { id: a.id }))['domain'][0].haschild, true);

      const renamed = (await s.admin.ok('updateDomain', { id: a.id, name: 'summit' }))['domain'];
      assert.equal(renamed.path, 'ROOT/summit');
      assert.equal((await s.admin.ok('listDomains', { id: c.id }))['domain'][0].path, 'ROOT/summit/mid/leaf');
      const after = await da.call('listAccounts', { domainid: c.id });
      assert.equal(after.status, 200, `domain admin lost access after the rename: ${JSON.stringify(after.body)}`);
      const dup = await s.admin.call('createDomain', { name: 'mid', parentdomainid: a.id });
      assert.equal(dup.status, 431);
      const rootRename = await s.admin.call('updateDomain', { id: (await s.admin.ok('listDomains', { name: 'ROOT' }))['domain'][0].id, name: 'TOP' });
      assert.equal(rootRename.status, 431);
    });

    it('deleteDomain refuses a non-empty domain unless cleanup, then removes accounts and sub-domains', async () => {
      const d = (await s.admin.ok('createDomain', { name: 'doomed' }))['domain'];
      const sub = (await s.admin.ok('createDomain', { name: 'doomedsub', parentdomainid: d.id }))['domain'];
      const u = await s.newAccount({ domainid: sub.id });
      const refused = await s.admin.job('deleteDomain', { id: d.id });
      assert.equal(refused['jobstatus'], 2);
      assert.ok(refused['jobresultcode'] >= 400, JSON.stringify(refused));
      assert.equal((await s.admin.ok('listDomains', { id: sub.id }))['count'], 1);
      assert.equal((await u.call('listAccounts')).status, 200);
      const done = await s.admin.job('deleteDomain', { id: d.id, cleanup: true });
      assert.equal(done['jobstatus'], 1, JSON.stringify(done));
      assert.deepEqual(done['jobresult'], { success: true });
      assert.deepEqual(await s.admin.ok('listDomains', { name: 'doomedsub', listall: true }), {});
      assert.equal((await u.call('listAccounts')).status, 401);
      const again = (await s.admin.ok('createDomain', { name: 'doomed' }))['domain'];
      assert.equal(again.path, 'ROOT/doomed');
      assert.deepEqual(await s.admin.ok('listDomainChildren', { id: again.id }), {});
    });

    it('users change their own password only with the current one; admins reset it', async () => {
      const u = await s.newAccount({ name: 'pwuser' });
      const noCurrent = await u.call('updateUser', { id: u.userId, password: 'new-pass-1' });
      assert.equal(noCurrent.status, 431);
      const wrong = await u.call('updateUser', { id: u.userId, password: 'new-pass-1', currentpassword: 'nope' });
      assert.equal(wrong.status, 431);
      assert.equal((await u.call('updateUser', { id: u.userId, password: 'new-pass-1', currentpassword: 'secret-pw' })).status, 200);
      assert.equal((await login(s, 'pwuser', 'secret-pw')).status, 531);
      assert.equal((await login(s, 'pwuser', 'new-pass-1')).status, 200);
      await s.admin.ok('updateUser', { id: u.userId, password: 'admin-set' });
      assert.equal((await login(s, 'pwuser', 'admin-set')).status, 200);
      const other = await s.newAccount();
      const foreign = await other.call('updateUser', { id: u.userId, firstname: 'Mallory' });
      assert.equal(foreign.status, 531);
      assert.equal((await s.admin.ok('listUsers', { id: u.userId }))['user'][0].firstname, 'Test');
    });

    it('API keys: users manage their own, never another user\'s; new keys replace old ones at once', async () => {
      const u = await s.newAccount();
      const other = await s.newAccount();
      assert.equal((await other.call('registerUserKeys', { id: u.userId })).status, 531);
      assert.equal((await other.call('getUserKeys', { id: u.userId })).status, 531);
      const mine = (await u.ok('getUserKeys', { id: u.userId }))['userkeys'];
      assert.equal(mine.apikey, u.opts.apiKey);
      const fresh = (await u.ok('registerUserKeys', { id: u.userId }))['userkeys'];
      assert.notEqual(fresh.apikey, u.opts.apiKey);
      assert.equal((await u.call('listAccounts')).status, 401, 'the old key stops working immediately');
      const renewed = new ApiClient({ endpoint: s.endpoint, apiKey: fresh.apikey, secretKey: fresh.secretkey });
      assert.equal((await renewed.call('listAccounts')).status, 200);
      const found = (await s.admin.ok('getUser', { userapikey: fresh.apikey }))['user'];
      assert.equal(found.id, u.userId);
      const listed = (await s.admin.ok('listUsers', { id: u.userId }))['user'][0];
      assert.equal(listed.secretkey, undefined, 'listUsers never shows secret keys');
    });

    it('deleteAccount removes the account and its users; their keys stop working', async () => {
      const u = await s.newAccount();
      assert.equal((await u.call('listAccounts')).status, 200);
      const j = await s.admin.job('deleteAccount', { id: u.accountId });
      assert.equal(j['jobstatus'], 1);
      assert.equal((await u.call('listAccounts')).status, 401);
      assert.deepEqual(await s.admin.ok('listAccounts', { name: u.accountName, listall: true }), {});
      // A removed entity's UUID still resolves (no 431) and lists nothing.
      assert.deepEqual(await s.admin.ok('listAccounts', { id: u.accountId }), {});
      const self = await s.admin.job('deleteAccount', { id: (await s.admin.ok('listAccounts'))['account'][0].id });
      assert.equal(self['jobstatus'], 2, 'an account cannot delete itself');
      assert.equal(self['jobresultcode'], 531);
    });

    it('domain admins create accounts in their subtree but never root admins', async () => {
      const d = (await s.admin.ok('createDomain', { name: 'dadom' }))['domain'];
      const da = await s.newAccount({ domainid: d.id, accounttype: 2 });
      const root = await da.call('createAccount', person('wannabe', { accounttype: 1 }));
      assert.equal(root.status, 531);
      const ok = await da.ok('createAccount', person('dauser'));
      assert.equal(ok['account'].domainid, d.id);
      const updated = (await da.ok('updateAccount', { id: ok['account'].id, newname: 'dauser2' }))['account'];
      assert.equal(updated.name, 'dauser2');
      const roles = await s.admin.ok('listRoles');
      assert.deepEqual((roles['role'] as any[]).map((r) => r.type).sort(), ['Admin', 'DomainAdmin', 'ResourceAdmin', 'User']);
    });
  });
}
