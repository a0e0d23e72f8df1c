/**
 * The seed's worked example, on every database, read back through listUsageRecords: usage job
 * at 07:00 GMT, range 1440, aggregation zone America/New_York. Each run processes the previous
 * New York day midnight to midnight; the data between New York midnight and the run is left for
 * the next day's run; the fall-back day of November has 25 hours. The VM's usage intervals are
 * written through the ledger at chosen instants (the same call the event observer makes).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { reconcileUsage, type UsageSlot } from '../../src/services/usage/ledger.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

const Z = (s: string) => Date.parse(s);

for (const dialect of dialectsUnderTest()) {
  describe(`usage: the seed's New York example (${dialect})`, () => {
    let s: TestServer;
    let accountUuid = '';
    const list = async (startdate: string, enddate: string) =>
      ((await s.admin.ok('listUsageRecords', { startdate, enddate, accountid: accountUuid, type: 1 }))['usagerecord'] ?? []) as any[];

    before(async () => {
      s = await startServer(dialect, { options: { usageTickMs: '0' } });
      const a = await s.newAccount();
      accountUuid = a.accountId;
      const acct = await s.app.db.kysely.selectFrom('accounts').select(['id', 'domain_id']).where('uuid', '=', accountUuid).executeTakeFirstOrThrow();
      const vm = { accountId: acct.id, domainId: acct.domain_id, zoneUuid: 'z', usageId: 'vm-ny', vmUuid: 'vm-ny', name: 'ny', offeringUuid: 'so', templateUuid: 'tpl' };
      const on: UsageSlot[] = [{ ...vm, usageType: 2 }, { ...vm, usageType: 1 }];
      const k = s.app.db.kysely;
      // Started 16:00 EDT on 5 October, stopped 01:30 EDT on 7 October (after midnight, before the 2 AM run).
      await reconcileUsage(k, { usageIds: ['vm-ny'], slots: on }, Z('2026-10-05T20:00:00Z'));
      await reconcileUsage(k, { usageIds: ['vm-ny'], slots: [on[0]!] }, Z('2026-10-07T05:30:00Z'));
      // Running again across the fall-back night (1 November 2026).
      await reconcileUsage(k, { usageIds: ['vm-ny'], slots: on }, Z('2026-10-31T12:00:00Z'));
      await reconcileUsage(k, { usageIds: ['vm-ny'], slots: [] }, Z('2026-11-03T12:00:00Z'));
      await s.admin.ok('updateConfiguration', { name: 'usage.stats.job.exec.time', value: '07:00' });
      await s.admin.ok('updateConfiguration', { name: 'usage.aggregation.timezone', value: 'America/New_York' });
      await s.admin.ok('updateConfiguration', { name: 'usage.stats.job.aggregation.range', value: '1440' });
    });
    after(async () => s.close());

    it('at 06:59 GMT on 7 October only 5 October (New York) is processed', async () => {
      s.app.services.usageJob.clock = () => Z('2026-10-07T06:59:59Z');
      await s.admin.ok('generateUsageRecords');
      const r = await list('2026-10-01', '2026-10-31');
      assert.deepEqual(r.map((x) => [x.startdate, x.enddate, x.usage, x.rawusage]), [['2026-10-05T04:00:00+0000', '2026-10-06T04:00:00+0000', '8 Hrs', '8']]);
    });

    it('the 07:00 GMT run processes 6 October midnight to midnight in New York, and not the hour and a half after it', async () => {
      s.app.services.usageJob.clock = () => Z('2026-10-07T07:00:00Z');
      await s.admin.ok('generateUsageRecords');
      const r = await list('2026-10-01', '2026-10-31');
      assert.deepEqual(r.map((x) => [x.startdate, x.enddate, x.usage]), [
        ['2026-10-05T04:00:00+0000', '2026-10-06T04:00:00+0000', '8 Hrs'],
        ['2026-10-06T04:00:00+0000', '2026-10-07T04:00:00+0000', '24 Hrs'],
      ]);
      assert.equal(r[1].description, 'ny running time (ServiceOffering: so) (Template: tpl)');
    });

    it('the next run picks up the data between midnight and the run: 1.5 hours of 7 October', async () => {
      s.app.services.usageJob.clock = () => Z('2026-10-08T07:00:00Z');
      await s.admin.ok('generateUsageRecords');
      const r = await list('2026-10-07', '2026-10-08');
      assert.deepEqual(r.map((x) => [x.startdate, x.usage, x.rawusage]), [['2026-10-07T04:00:00+0000', '1.5 Hrs', '1.5']]);
    });

    it('the fall-back day of November has 25 hours; after downtime every missed day is caught up', async () => {
      s.app.services.usageJob.clock = () => Z('2026-11-05T07:00:00Z');
      await s.admin.ok('generateUsageRecords');
      const r = await list('2026-10-30', '2026-11-05');
      assert.deepEqual(r.map((x) => [x.startdate, x.enddate, x.usage]), [
        ['2026-10-31T04:00:00+0000', '2026-11-01T04:00:00+0000', '16 Hrs'],
        ['2026-11-01T04:00:00+0000', '2026-11-02T05:00:00+0000', '25 Hrs'],
        ['2026-11-02T05:00:00+0000', '2026-11-03T05:00:00+0000', '24 Hrs'],
        ['2026-11-03T05:00:00+0000', '2026-11-04T05:00:00+0000', '7 Hrs'],
      ]);
      const days = await s.app.db.kysely.selectFrom('usage_periods').select('start_ms').execute();
      assert.equal(days.length, 31, 'one period per New York day from 5 October to 4 November');
    });

    const cliEnv = () => ({ ...process.env, NIMBO_DATA_DIR: s.db.dataDir, ...(s.db.url ? { NIMBO_DB_URL: s.db.url } : {}) });
    it('`nimbo usage run` runs the job once from the command line, with the real clock, after the periods already done', async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'usage', 'run'], { env: cliEnv() });
      assert.match(stdout, /aggregated \d+ period\(s\)/);
      const last = await s.app.db.kysely.selectFrom('usage_periods').select((eb) => eb.fn.max('end_ms').as('end')).executeTakeFirstOrThrow();
      assert.ok(Number(last.end) > Z('2026-11-04T05:00:00Z') && Number(last.end) <= Date.now(), 'caught up to the last complete New York day before now');
      const again = await promisify(execFile)(process.execPath, [BIN, 'usage', 'run'], { env: cliEnv() });
      assert.match(again.stdout, /no period due/);
    });
  });
}
