/**
 * Quota credits and balances on every database: an admin credits an account, its priced usage
 * draws the balance down (quotaBalance at the start and end of a period, with the credits in
 * between), quotaSummary lists balance and this month's charges per account in scope, a
 * retroactive price change moves the balance at once (nothing stored twice), and users cannot
 * credit themselves or read another account's balance.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { reconcileUsage } from '../../src/services/usage/ledger.js';

const Z = (s: string) => Date.parse(s);

for (const dialect of dialectsUnderTest()) {
  describe(`usage: quota credits, balance and summary (${dialect})`, () => {
    let s: TestServer;
    let user: ApiClient & { accountId: string; accountName: string };
    let other: ApiClient & { accountId: string; accountName: string };
    let domainId = '';
    const credit = (value: number, at: string) => {
      s.app.services.quotaCredits.clock = () => Z(at);
      return s.admin.call('quotaCredits', { account: user.accountName, domainid: domainId, value });
    };
    const balance = (c: ApiClient, extra: Record<string, string> = {}) => c.call('quotaBalance', { account: user.accountName, domainid: domainId, ...extra });

    before(async () => {
      s = await startServer(dialect, { options: { usageTickMs: '0', routerStatsTickMs: '0' } });
      user = await s.newAccount();
      other = await s.newAccount();
      domainId = (await s.admin.ok('listDomains'))['domain'][0].id;
      const a = await s.app.db.kysely.selectFrom('accounts').select(['id', 'domain_id']).where('uuid', '=', user.accountId).executeTakeFirstOrThrow();
      // Ten hours of a running VM on 1 June, priced at $0.20 an hour: $2.
      const vm = { accountId: a.id, domainId: a.domain_id, zoneUuid: 'z', usageType: 1, usageId: 'vm-b', vmUuid: 'vm-b', name: 'b', offeringUuid: 'so', templateUuid: 'tpl' };
      await reconcileUsage(s.app.db.kysely, { usageIds: ['vm-b'], slots: [vm] }, Z('2026-06-01T08:00:00Z'));
      await reconcileUsage(s.app.db.kysely, { usageIds: ['vm-b'], slots: [] }, Z('2026-06-01T18:00:00Z'));
      s.app.services.usageJob.clock = () => Z('2026-06-03T01:00:00Z');
      await s.admin.ok('generateUsageRecords');
      await s.admin.ok('quotaTariffCreate', { name: 'vm-hour', usagetype: 1, value: 0.2, startdate: '2026-01-01' });
    });
    after(async () => s.close());

    it('admins add and withdraw credit; users may not, and enforcement is refused rather than ignored', async () => {
      const c = await credit(10, '2026-05-31T12:00:00Z');
      assert.equal(c.status, 200, JSON.stringify(c.inner));
      const q = c.inner['quotacredits'];
      assert.equal(q.credit, 10);
      assert.equal(q.creditorusername, 'admin');
      assert.equal(q.creditedon.slice(0, 10), '2026-05-31');
      assert.equal(q.currency, '$');
      assert.equal((await credit(5, '2026-06-01T12:00:00Z')).status, 200);
      assert.equal((await credit(-1, '2026-06-02T06:00:00Z')).status, 200);
      assert.equal((await user.call('quotaCredits', { account: user.accountName, domainid: domainId, value: 100 })).status, 432);
      assert.equal((await s.admin.call('quotaCredits', { account: user.accountName, domainid: domainId, value: 1, min_balance: 5 })).status, 431);
      assert.equal((await s.admin.call('quotaCredits', { account: 'nobody', domainid: domainId, value: 1 })).status, 431);
    });

    it('quotaBalance: credits minus priced usage at the start and end of a period, with the credits in between', async () => {
      const r = await balance(user, { startdate: '2026-06-01', enddate: '2026-06-01' });
      assert.equal(r.status, 200, JSON.stringify(r.inner));
      const b = r.inner['balance'];
      assert.equal(b.account, user.accountName);
      assert.equal(b.startquota, 10, 'before 1 June: the first credit, nothing used');
      assert.equal(b.endquota, 13, '10 + 5 − 10 h × $0.20');
      assert.deepEqual((b.credits as any[]).map((c) => c.credit), [5]);
      s.app.services.quotaCredits.clock = () => Z('2026-06-03T01:00:00Z');
      const now = (await balance(user)).inner['balance'];
      assert.deepEqual([now.startquota, now.endquota], [12, 12], 'without dates: the balance now');
      assert.equal((await balance(other)).status, 531, "another user's balance is not theirs to read");
      assert.equal((await balance(user, { startdate: '2026-06-02', enddate: '2026-06-01' })).status, 431);
    });

    it('quotaSummary: balance and this month\'s charges per account in scope; listall adds accounts without quota activity', async () => {
      s.app.services.quotaCredits.clock = () => Z('2026-06-03T01:00:00Z');
      const mine = (await user.ok('quotaSummary'))['summary'] as any[];
      assert.equal(mine.length, 1);
      assert.equal(mine[0].accountid, user.accountId);
      assert.equal(mine[0].balance, 12);
      assert.equal(mine[0].quota, 2);
      assert.equal(mine[0].state, 'enabled');
      assert.equal(mine[0].startdate.slice(0, 10), '2026-06-01');
      const all = (await s.admin.ok('quotaSummary'))['summary'] as any[];
      assert.deepEqual(all.map((x) => x.accountid), [user.accountId], 'only accounts with credits or usage');
      const everyone = (await s.admin.ok('quotaSummary', { listall: true, pagesize: 100, page: 1 }))['summary'] as any[];
      assert.ok(everyone.some((x) => x.accountid === other.accountId && x.balance === 0 && x.quota === 0));
      assert.equal(((await other.ok('quotaSummary'))['summary'] ?? []).length, 0);
      assert.equal((await other.call('quotaSummary', { account: user.accountName, domainid: domainId })).status, 531);
    });

    it('a retroactive price change moves the balance at once: charges are computed, never stored', async () => {
      await s.admin.ok('quotaTariffUpdate', { name: 'vm-hour', value: 0.5, startdate: '2026-05-01' });
      s.app.services.quotaCredits.clock = () => Z('2026-06-03T01:00:00Z');
      const now = (await balance(user)).inner['balance'];
      assert.equal(now.endquota, 9, '10 + 5 − 1 − 10 h × $0.50');
    });
  });
}
