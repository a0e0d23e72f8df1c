/**
 * Network bytes usage end to end on every database: a real simulator agent's router counts
 * traffic (exact bytes from configureSimulator's NetworkUsageCommand mock, then its default
 * per-guest model), the server samples it (`routerTraffic.collect`, what the
 * router.stats.interval timer runs) and before a reboot, the reboot starts the counters again
 * from zero with more traffic than before, and the usage job writes NETWORK_BYTES_SENT and
 * _RECEIVED records (types 4 and 5) per account and day with the exact byte totals.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';

const DAY = 86_400_000;
const H = 3_600_000;

for (const dialect of dialectsUnderTest()) {
  describe(`usage: network bytes from router counters (${dialect})`, () => {
    let s: TestServer;
    let g: GuestZone;
    let alice: ApiClient & { accountId: string; accountName: string };
    let router: any;
    let net = '';
    /** The first midnight (GMT) after now: the test's day 1, so the records are all ours. */
    const D = Math.ceil(Date.now() / DAY) * DAY + DAY;
    const at = (ms: number) => { s.app.services.routerTraffic.clock = () => ms; };
    const traffic = (value: string) => s.admin.ok('configureSimulator', { name: 'NetworkUsageCommand', value, hostid: router.hostid, count: 1 });
    const records = async (type: number) => ((await s.admin.ok('listUsageRecords', {
      startdate: new Date(D).toISOString().slice(0, 10), enddate: new Date(D + DAY).toISOString().slice(0, 10), type, accountid: alice.accountId, page: 1, pagesize: 100,
    }))['usagerecord'] ?? []) as any[];

    before(async () => {
      s = await startServer(dialect, { options: { usageTickMs: '0', routerStatsTickMs: '0' } });
      g = await guestZone(s, { hosts: 1 });
      alice = await s.newAccount();
      const vm = (await alice.jobOk('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, name: 'web' }))['virtualmachine'];
      net = vm.nic[0].networkid;
      router = (await s.admin.ok('listRouters', { networkid: net, listall: true }))['router'][0];
      assert.equal(router.state, 'Running');
    });
    after(async () => {
      g.close();
      await s.close();
    });

    it('samples turn cumulative counters into deltas; a reboot samples first and starts a new counter', async () => {
      at(D + 6 * H);
      await traffic('sent:1000|received:5000');
      assert.equal(await s.app.services.routerTraffic.collect(), 1);
      at(D + 12 * H);
      await traffic('sent:2500|received:1500');
      await s.app.services.routerTraffic.collect();
      // Traffic since the last sample is read before the reboot zeroes the counters.
      at(D + 18 * H);
      await traffic('sent:300|received:400');
      await s.admin.jobOk('rebootRouter', { id: router.id });
      const counters = await s.app.db.kysely.selectFrom('usage_network_counters').selectAll().where('counter_key', 'like', `${router.id}/%`).orderBy('id').execute();
      assert.deepEqual(counters.map((c) => [Number(c.sent), Number(c.received)]), [[3800, 6900]]);
      // After the reboot the router counts from zero again, past its old totals: all of it is new traffic.
      at(D + DAY + 1 * H);
      await traffic('sent:10000|received:20000');
      await s.app.services.routerTraffic.collect();
      // Without a mock the simulator's router counts 64 KiB sent and 256 KiB received per guest and sample.
      await until('the router to serve the guest again', async () => (await g.simulated(router.name))?.router?.document?.dhcp?.length === 1);
      at(D + DAY + 2 * H);
      await s.app.services.routerTraffic.collect();
      const after = await s.app.db.kysely.selectFrom('usage_network_counters').selectAll().where('counter_key', 'like', `${router.id}/%`).orderBy('id').execute();
      assert.equal(after.length, 2, 'one counter row per boot');
      assert.deepEqual(after.map((c) => [Number(c.sent), Number(c.received)]), [[3800, 6900], [10000 + 65536, 20000 + 262144]]);
    });

    it('the usage job writes types 4 and 5 per day with the exact byte totals', async () => {
      s.app.services.usageJob.clock = () => D + 2 * DAY + H;
      await s.admin.ok('generateUsageRecords');
      const sent = await records(4);
      const received = await records(5);
      assert.deepEqual(sent.map((r) => [r.startdate.slice(0, 10), r.rawusage, r.usage]).sort(), [
        [new Date(D).toISOString().slice(0, 10), '3800', '3800 bytes sent'],
        [new Date(D + DAY).toISOString().slice(0, 10), '75536', '75536 bytes sent'],
      ]);
      assert.deepEqual(received.map((r) => r.rawusage).sort(), ['282144', '6900']);
      for (const r of [...sent, ...received]) {
        assert.equal(r.account, alice.accountName);
        assert.equal(r.usageid, net);
        assert.equal(r.networkid, net);
        assert.equal(r.zoneid, g.zone);
      }
      assert.equal(sent[0].description, `Bytes sent by network ID ${net}`);
      // Re-running never counts twice.
      await s.admin.ok('generateUsageRecords', { startdate: new Date(D).toISOString().slice(0, 10), enddate: new Date(D + DAY).toISOString().slice(0, 10) });
      assert.equal((await records(4)).length, 2);
    });

    it('a counter lower than the last one under the same key (a reset without a new boot id) is all new traffic', async () => {
      const a = await s.app.db.kysely.selectFrom('accounts').select(['id', 'domain_id']).where('uuid', '=', alice.accountId).executeTakeFirstOrThrow();
      const sample = (sent: number, t: number) => ({ key: 'legacy-router', accountId: a.id, domainId: a.domain_id, zoneUuid: null, networkUuid: 'legacy-net', sent, received: 0, at: t });
      await s.app.services.networkUsage.record([sample(100, D + 3 * DAY)]);
      await s.app.services.networkUsage.record([sample(150, D + 3 * DAY + 1)]);
      await s.app.services.networkUsage.record([sample(40, D + 3 * DAY + 2)]);
      const rows = await s.app.db.kysely.selectFrom('usage_network_bytes').select('sent').where('network_uuid', '=', 'legacy-net').orderBy('id').execute();
      assert.deepEqual(rows.map((r) => Number(r.sent)), [100, 50, 40]);
    });
  });
}
