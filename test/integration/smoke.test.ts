import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';

for (const dialect of dialectsUnderTest()) {
  describe(`smoke (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('lists the admin account and creates a domain and an account', async () => {
      const accounts = await s.admin.ok('listAccounts');
      assert.equal(accounts['count'], 1);
      assert.equal(accounts['account'][0].name, 'admin');
      const d = (await s.admin.ok('createDomain', { name: 'sales' }))['domain'];
      assert.equal(d.path, 'ROOT/sales');
      const u = await s.newAccount({ domainid: d.id });
      const mine = await u.ok('listAccounts');
      assert.equal(mine['count'], 1);
      assert.equal(mine['account'][0].name, u.accountName);
      const job = await s.admin.job('deleteAccount', { id: u.accountId });
      assert.equal(job['jobstatus'], 1);
      assert.deepEqual(job['jobresult'], { success: true });
    });
  });
}
