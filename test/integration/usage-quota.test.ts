/**
 * The Quota plugin over the usage records, on every database: the seed's "$0.20/hour" VM and
 * "$0.10/GB" traffic as tariffs, a statement computed from the records, a price change that
 * applies from its start date only, scoping and the admin-only edits.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { reconcileUsage } from '../../src/services/usage/ledger.js';

const Z = (s: string) => Date.parse(s);
const H = 3_600_000;
const GB = 1024 ** 3;

for (const dialect of dialectsUnderTest()) {
  describe(`usage: quota tariffs and statements (${dialect})`, () => {
    let s: TestServer;
    let user: ApiClient & { accountId: string; accountName: string };
    let other: ApiClient & { accountId: string; accountName: string };
    let domainId = '';
    const statement = (c: ApiClient, extra: Record<string, string | number> = {}) =>
      c.call('quotaStatement', { account: user.accountName, domainid: domainId, startdate: '2026-06-01', enddate: '2026-06-02', ...extra });

    const tariffEvents = async (type: string) => ((await s.admin.ok('listEvents', { type, listall: true }))['event'] ?? []) as any[];

    before(async () => {
      s = await startServer(dialect, { options: { usageTickMs: '0' } });
      user = await s.newAccount();
      other = await s.newAccount();
      domainId = (await s.admin.ok('listDomains'))['domain'][0].id;
      const a = await s.app.db.kysely.selectFrom('accounts').select(['id', 'domain_id']).where('uuid', '=', user.accountId).executeTakeFirstOrThrow();
      const o = { accountId: a.id, domainId: a.domain_id, zoneUuid: 'z' };
      const k = s.app.db.kysely;
      // Ten hours of running VM on 1 and on 2 June; a 20 GB volume all along; 5 GB sent on the 1st.
      const vm = { ...o, usageType: 1, usageId: 'vm-q', vmUuid: 'vm-q', name: 'q', offeringUuid: 'so', templateUuid: 'tpl' };
      const vol = { ...o, usageType: 6, usageId: 'vol-q', name: 'v', size: 20 * GB };
      await reconcileUsage(k, { usageIds: ['vol-q'], slots: [vol] }, Z('2026-06-01T00:00:00Z'));
      for (const day of ['2026-06-01', '2026-06-02']) {
        await reconcileUsage(k, { usageIds: ['vm-q'], slots: [vm] }, Z(`${day}T08:00:00Z`));
        await reconcileUsage(k, { usageIds: ['vm-q'], slots: [] }, Z(`${day}T18:00:00Z`));
      }
      await s.app.services.networkUsage.record([{ key: 'r1', accountId: a.id, domainId: a.domain_id, zoneUuid: 'z', networkUuid: 'net-q', sent: 5 * GB, received: 0, at: Z('2026-06-01T12:00:00Z') }]);
      s.app.services.usageJob.clock = () => Z('2026-06-03T01:00:00Z');
      await s.admin.ok('generateUsageRecords');
    });
    after(async () => s.close());

    it('admins set the seed\'s prices; users list them but may not change them', async () => {
      const vmTariff = (await s.admin.ok('quotaTariffCreate', { name: 'vm-hour', usagetype: 1, value: 0.2, startdate: '2026-01-01' }))['quotatariff'];
      assert.equal(vmTariff.usageName, 'RUNNING_VM');
      assert.equal(vmTariff.usageUnit, 'Compute*Hour');
      assert.equal(vmTariff.tariffValue, 0.2);
      await s.admin.ok('quotaTariffCreate', { name: 'traffic-gb', usagetype: 4, value: 0.1, startdate: '2026-01-01' });
      await s.admin.ok('quotaTariffCreate', { name: 'volume-gb-hour', usagetype: 6, value: 0.001, startdate: '2026-01-01' });
      assert.equal((await s.admin.call('quotaTariffCreate', { name: 'vm-hour', usagetype: 1, value: 1 })).status, 431, 'names are unique');
      assert.equal((await s.admin.call('quotaTariffCreate', { name: 'js', usagetype: 1, value: 1, activationrule: 'true' })).status, 431);
      assert.equal((await s.admin.call('quotaTariffCreate', { name: 'bad', usagetype: 99, value: 1 })).status, 431);
      assert.equal((await user.call('quotaTariffCreate', { name: 'mine', usagetype: 1, value: 0 })).status, 432);
      const seen = (await user.ok('quotaTariffList'))['quotatariff'] as any[];
      assert.deepEqual(seen.map((t) => t.name).sort(), ['traffic-gb', 'vm-hour', 'volume-gb-hour']);
      assert.deepEqual((await tariffEvents('QUOTA.TARIFF.CREATE')).map((e) => e.description).sort(), ['Created quota tariff traffic-gb', 'Created quota tariff vm-hour', 'Created quota tariff volume-gb-hour']);
    });

    it('a statement prices the records: 10 h × $0.20 + 5 GB × $0.10 + 20 GB × 24 h × $0.001', async () => {
      const r = await statement(user, { enddate: '2026-06-01' });
      assert.equal(r.status, 200, JSON.stringify(r.inner));
      const st = r.inner['statement'];
      const by = Object.fromEntries((st.quotausage as any[]).map((l) => [l.type, l.quota]));
      assert.deepEqual(by, { 1: 2, 4: 0.5, 6: 0.48 });
      assert.equal(st.totalquota, 2.98);
      assert.equal(st.currency, '$');
    });

    it('a price change applies from its start date: the second day costs $0.30 an hour', async () => {
      const t = (await s.admin.ok('quotaTariffUpdate', { name: 'vm-hour', value: 0.3, startdate: '2026-06-02' }))['quotatariff'];
      assert.equal(t.tariffValue, 0.3);
      const st = (await statement(user)).inner['statement'];
      const vm = (st.quotausage as any[]).find((l) => l.type === 1);
      assert.equal(vm.quota, 5, '10 h × 0.20 + 10 h × 0.30');
      assert.deepEqual((await tariffEvents('QUOTA.TARIFF.UPDATE')).map((e) => e.description), ['Updated quota tariff vm-hour']);
      const removed = (await s.admin.ok('quotaTariffList', { listonlyremoved: true }))['quotatariff'] as any[];
      assert.deepEqual(removed.map((x) => [x.name, x.tariffValue]), [['vm-hour', 0.2]]);
      const firstDay = (await statement(user, { enddate: '2026-06-01', type: 1 })).inner['statement'];
      assert.equal(firstDay.totalquota, 2, 'the first day keeps its old price');
    });

    it('users see their own statement only; deleting a tariff stops it from its removal on', async () => {
      assert.equal((await statement(other)).status, 531);
      assert.equal((await statement(user)).status, 200);
      const traffic = ((await s.admin.ok('quotaTariffList', { name: 'traffic-gb' }))['quotatariff'] as any[])[0];
      await s.admin.ok('quotaTariffDelete', { id: traffic.id });
      assert.equal((await s.admin.ok('quotaTariffList', { name: 'traffic-gb' }))['count'] ?? 0, 0);
      assert.equal((await s.admin.call('quotaTariffDelete', { id: traffic.id })).status, 431);
      assert.deepEqual((await tariffEvents('QUOTA.TARIFF.DELETE')).map((e) => [e.description, e.account]), [['Deleted quota tariff traffic-gb', 'admin']]);
      // Its records lie before the removal (now), so June's statement still charges the traffic.
      const st = (await statement(user, { enddate: '2026-06-01', type: 4 })).inner['statement'];
      assert.equal(st.totalquota, 0.5);
      void H;
    });
  });
}
