/**
 * A month of a synthetic cloud replayed on every database with an injected clock: hundreds of
 * VMs (allocated and running time, offering changes), volumes (resizes), public IPs,
 * port-forwarding and load-balancer rules, snapshots, VPN users, templates and router byte
 * counters. State changes go through the same ledger call the event observer makes, at
 * synthetic times (most of these resources have no command in Nimbo yet, or would need a month
 * of wall-clock time). The expected per-day totals are computed here independently, with New
 * York midnights written out by hand (EST until 8 March, then EDT), so March's 23-hour day is
 * checked too. Two job instances share the database for the second half of the month.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { reconcileUsage, type UsageSlot } from '../../src/services/usage/ledger.js';
import { UsageJobService } from '../../src/services/usage/usage-job.service.js';
import { NetworkUsageRecorder, type RouterCounterSample } from '../../src/services/usage/network-counters.js';

const H = 3_600_000;
const Z = (s: string) => Date.parse(s);
/** Start of a New York day of 2026 (February to October): EST (-5) up to 8 March included, EDT (-4) after. */
function nyDay(month: number, day: number): number {
  const utcMidnight = Date.UTC(2026, month - 1, day);
  return utcMidnight + (month < 3 || (month === 3 && day <= 8) ? 5 : 4) * H;
}
const DAYS: Array<[number, number]> = [];
/** The New York day holding the first synthetic data (25 February 00:00 GMT is still the 24th there). */
const FIRST_DAY = nyDay(2, 24);
for (let d = 20; d <= 28; d++) DAYS.push([nyDay(2, d), 0]);
for (let d = 1; d <= 31; d++) DAYS.push([nyDay(3, d), 0]);
DAYS.push([nyDay(4, 1), 0]);
for (let i = 0; i < DAYS.length - 1; i++) DAYS[i]![1] = DAYS[i + 1]![0];
DAYS.pop();

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Snapshot { at: number; slots: UsageSlot[] }
const slotKey = (s: UsageSlot) => `${s.usageType}|${s.usageId}|${s.offeringUuid ?? ''}|${s.size ?? ''}`;
const sameSlot = (a: UsageSlot, b: UsageSlot) => JSON.stringify(a) === JSON.stringify(b);

/** The expected raw ms per `${dayStart}|${slotKey}`, from each resource's snapshots. */
function expectedTotals(resources: Snapshot[][], end: number): Map<string, number> {
  const out = new Map<string, number>();
  const add = (slot: UsageSlot, from: number, to: number) => {
    for (const [a, b] of DAYS) {
      const ms = Math.min(to, b) - Math.max(from, a);
      if (ms > 0) out.set(`${a}|${slotKey(slot)}`, (out.get(`${a}|${slotKey(slot)}`) ?? 0) + ms);
    }
  };
  for (const snaps of resources) {
    const open: Array<{ slot: UsageSlot; since: number }> = [];
    for (const snap of snaps) {
      for (let i = open.length - 1; i >= 0; i--) {
        if (!snap.slots.some((s) => sameSlot(s, open[i]!.slot))) { add(open[i]!.slot, open[i]!.since, snap.at); open.splice(i, 1); }
      }
      for (const s of snap.slots) if (!open.some((o) => sameSlot(o.slot, s))) open.push({ slot: s, since: snap.at });
    }
    for (const o of open) add(o.slot, o.since, end);
  }
  return out;
}

for (const dialect of dialectsUnderTest()) {
  describe(`usage: a month replayed (${dialect})`, () => {
    let s: TestServer;
    const resources: Snapshot[][] = [];
    const samples: RouterCounterSample[] = [];
    const rand = prng(20260301);
    const start = Z('2026-02-25T00:00:00Z');
    const stop = Z('2026-03-31T20:00:00Z');
    const at = () => start + Math.floor(rand() * (stop - start));
    let fiveCycles = 0;

    before(async () => {
      s = await startServer(dialect, { options: { usageTickMs: '0' } });
      const accounts: Array<{ id: number; domain_id: number }> = [];
      for (let i = 0; i < 3; i++) {
        const a = await s.newAccount();
        accounts.push(await s.app.db.kysely.selectFrom('accounts').select(['id', 'domain_id']).where('uuid', '=', a.accountId).executeTakeFirstOrThrow());
      }
      const owner = () => { const a = accounts[Math.floor(rand() * accounts.length)]!; return { accountId: a.id, domainId: a.domain_id, zoneUuid: 'zone-1' }; };
      const times = (n: number) => Array.from({ length: n }, at).sort((x, y) => x - y);

      // VMs: created, started and stopped a few times, some change offering, most destroyed.
      for (let i = 0; i < 150; i++) {
        const o = owner();
        const id = `vm-${i}`;
        const t = times(8);
        const offering = (k: number) => ({ ...o, usageId: id, vmUuid: id, name: id, templateUuid: 'tpl-1', offeringUuid: `so-${k}` });
        const changeAt = rand() < 0.3 ? 4 : 99;
        const snaps: Snapshot[] = [];
        for (let j = 0; j < t.length; j++) {
          const so = offering(j >= changeAt ? 2 : 1);
          const destroyed = j === 7 && rand() < 0.7;
          const running = j % 2 === 1 && !destroyed;
          snaps.push({ at: t[j]!, slots: destroyed ? [] : [{ ...so, usageType: 2 }, ...(running ? [{ ...so, usageType: 1 }] : [])] });
        }
        resources.push(snaps);
      }
      // One VM started and stopped five times in one hour.
      {
        const o = owner();
        const vm = { ...o, usageId: 'vm-five', vmUuid: 'vm-five', name: 'five', templateUuid: 'tpl-1', offeringUuid: 'so-1' };
        const base = Z('2026-03-10T14:00:00Z');
        const spans = [[0, 307_250], [600_000, 1_053_100], [1_200_000, 1_500_001], [2_000_000, 2_400_999], [3_000_000, 3_599_999]];
        const snaps: Snapshot[] = [{ at: base - H, slots: [{ ...vm, usageType: 2 }] }];
        for (const [a, b] of spans) {
          snaps.push({ at: base + a!, slots: [{ ...vm, usageType: 2 }, { ...vm, usageType: 1 }] });
          snaps.push({ at: base + b!, slots: [{ ...vm, usageType: 2 }] });
        }
        fiveCycles = spans.reduce((x, [a, b]) => x + (b! - a!), 0);
        resources.push(snaps);
      }
      // Volumes (some resized), IPs, rules, snapshots, VPN users, templates: on/off toggles.
      const toggles = (n: number, make: (i: number) => (k: number) => UsageSlot) => {
        for (let i = 0; i < n; i++) {
          const slotAt = make(i);
          const t = times(2 + Math.floor(rand() * 4));
          resources.push(t.map((x, k) => ({ at: x, slots: k % 2 === 0 ? [slotAt(k)] : [] })));
        }
      };
      toggles(100, (i) => { const o = owner(); return (k) => ({ ...o, usageType: 6, usageId: `vol-${i}`, name: `vol-${i}`, offeringUuid: 'do-1', size: (10 + (k > 1 ? 10 : 0)) * 1024 ** 3 }); });
      toggles(80, (i) => { const o = owner(); return () => ({ ...o, usageType: 3, usageId: `ip-${i}`, name: `203.0.113.${i}`, extra: { issourcenat: i % 5 === 0, issystem: false } }); });
      toggles(60, (i) => { const o = owner(); return () => ({ ...o, usageType: 12, usageId: `pf-${i}` }); });
      toggles(30, (i) => { const o = owner(); return () => ({ ...o, usageType: 11, usageId: `lb-${i}`, name: `lb-${i}` }); });
      toggles(50, (i) => { const o = owner(); return () => ({ ...o, usageType: 9, usageId: `snap-${i}`, size: (1 + i) * 1024 ** 2 }); });
      toggles(20, (i) => { const o = owner(); return () => ({ ...o, usageType: 14, usageId: `vpn-${i}`, name: `vpnuser${i}` }); });
      toggles(10, (i) => { const o = owner(); return () => ({ ...o, usageType: i % 2 ? 8 : 7, usageId: `tpl-${i}`, templateUuid: `tpl-${i}`, size: 2 * 1024 ** 3 }); });

      // Replay in time order, as events arrive.
      const all = resources.flatMap((snaps, r) => snaps.map((snap, k) => ({ r, k, snap }))).sort((a, b) => a.snap.at - b.snap.at || a.r - b.r || a.k - b.k);
      for (const { r, snap } of all) {
        const ids = [...new Set(resources[r]!.flatMap((x) => x.slots.map((sl) => sl.usageId)))];
        await reconcileUsage(s.app.db.kysely, { usageIds: ids, slots: snap.slots }, snap.at);
      }

      // Router counters: cumulative, sampled every six hours, one router restarted mid-month.
      for (let n = 0; n < 20; n++) {
        const o = owner();
        let sent = 0;
        let received = 0;
        for (let t = start + n * 60_000; t < stop; t += 6 * H) {
          if (n === 3 && t > Z('2026-03-15T00:00:00Z') && t < Z('2026-03-15T06:00:00Z')) { sent = 0; received = 0; }
          sent += Math.floor(rand() * 1e6);
          received += Math.floor(rand() * 5e6);
          samples.push({ key: `router-${n}`, ...o, networkUuid: `net-${n}`, sent, received, at: t });
        }
      }
      await new NetworkUsageRecorder(s.app.db).record(samples);

      await s.admin.ok('updateConfiguration', { name: 'usage.stats.job.exec.time', value: '07:00' });
      await s.admin.ok('updateConfiguration', { name: 'usage.aggregation.timezone', value: 'America/New_York' });
      await s.admin.ok('updateConfiguration', { name: 'usage.stats.job.aggregation.range', value: '1440' });
    });
    after(async () => s.close());

    it('catches up to mid-month, then two job instances finish the month, each day exactly once', async () => {
      const a = new UsageJobService(s.app.db, s.app.services.config, 'ms-a');
      const b = new UsageJobService(s.app.db, s.app.services.config, 'ms-b');
      a.clock = () => Z('2026-03-15T07:00:00Z');
      const first = await a.runDue();
      assert.equal(first[first.length - 1]!.end, nyDay(3, 15), 'up to the start of 15 March in New York');
      a.clock = b.clock = () => Z('2026-04-01T07:00:01Z');
      const [ra, rb] = await Promise.all([a.runDue(), b.runDue()]);
      const done = [...first, ...ra, ...rb].map((p) => p.start).sort((x, y) => x - y);
      assert.deepEqual(done, DAYS.filter(([d]) => d >= FIRST_DAY).map(([d]) => d), 'every New York day from the first data to 31 March, once');
      const periods = await s.app.db.kysely.selectFrom('usage_periods').selectAll().orderBy('start_ms').execute();
      assert.equal(periods.length, done.length);
      assert.ok(periods.every((p) => p.finished !== null));
      const byServer = new Set(periods.map((p) => p.msid));
      assert.ok(byServer.has('ms-a'));
    });

    it('matches the independently computed totals per day, resource and offering (DST day included)', async () => {
      const want = expectedTotals(resources, nyDay(4, 1));
      const rows = await s.app.db.kysely.selectFrom('usage_records').selectAll().where('usage_type', 'not in', [4, 5]).execute();
      const got = new Map<string, number>();
      for (const r of rows) {
        const k = `${Number(r.start_ms)}|${r.usage_type}|${r.usage_id}|${r.offering_uuid ?? ''}|${r.size === null ? '' : Number(r.size)}`;
        assert.equal(got.has(k), false, `one record per day and billing key: ${k}`);
        got.set(k, Number(r.raw));
        assert.ok(DAYS.some(([a, b]) => a === Number(r.start_ms) && b === Number(r.end_ms)), 'records span New York days');
      }
      const relevant = new Map([...want].filter(([k]) => Number(k.split('|')[0]) >= FIRST_DAY));
      assert.equal(got.size, relevant.size);
      for (const [k, ms] of relevant) assert.equal(got.get(k), ms, k);
      const dst = rows.filter((r) => Number(r.start_ms) === nyDay(3, 8));
      assert.ok(dst.length > 0);
      assert.ok(dst.every((r) => Number(r.end_ms) - Number(r.start_ms) === 23 * H && Number(r.raw) <= 23 * H));
      const five = rows.filter((r) => r.usage_id === 'vm-five' && r.usage_type === 1);
      assert.deepEqual(five.map((r) => Number(r.raw)), [fiveCycles], 'five start/stop cycles in an hour: exactly their running ms');
    });

    it('network bytes: per-day sums of the counter deltas, a router restart counted as new traffic', async () => {
      const want = new Map<string, [number, number]>();
      const last = new Map<string, [number, number]>();
      for (const x of samples) {
        const [ls, lr] = last.get(x.key) ?? [0, 0];
        const ds = x.sent >= ls ? x.sent - ls : x.sent;
        const dr = x.received >= lr ? x.received - lr : x.received;
        last.set(x.key, [x.sent, x.received]);
        const day = DAYS.find(([a, b]) => x.at >= a && x.at < b)![0];
        const cur = want.get(`${day}|${x.networkUuid}`) ?? [0, 0];
        want.set(`${day}|${x.networkUuid}`, [cur[0] + ds, cur[1] + dr]);
      }
      const rows = await s.app.db.kysely.selectFrom('usage_records').selectAll().where('usage_type', 'in', [4, 5]).execute();
      const got = new Map<string, [number, number]>();
      for (const r of rows) {
        const k = `${Number(r.start_ms)}|${r.usage_id}`;
        const cur = got.get(k) ?? [0, 0];
        cur[r.usage_type === 4 ? 0 : 1] += Number(r.raw);
        got.set(k, cur);
      }
      assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
    });

    it('running the job again, or generating the month again, adds nothing', async () => {
      const count = async () => Number((await s.app.db.kysely.selectFrom('usage_records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const n = await count();
      const c = new UsageJobService(s.app.db, s.app.services.config, 'ms-c');
      c.clock = () => Z('2026-04-01T08:00:00Z');
      assert.deepEqual(await c.runDue(), []);
      assert.deepEqual(await c.generate(new Date(Z('2026-02-01T00:00:00Z')), new Date(Z('2026-03-31T23:59:59Z'))), []);
      assert.equal(await count(), n);
    });

    it('security groups are billed per VM: one VM leaving a shared group leaves the other billed', async () => {
      const k = s.app.db.kysely;
      const base = { accountId: 1, domainId: 1, zoneUuid: 'zone-1', usageType: 10, usageId: 'sg-shared', name: 'web' };
      const t = Z('2026-04-05T00:00:00Z');
      await reconcileUsage(k, { usageIds: ['vm-a', 'sg-shared'], slots: [{ ...base, vmUuid: 'vm-a' }], vmUuid: 'vm-a' }, t);
      await reconcileUsage(k, { usageIds: ['vm-b', 'sg-shared'], slots: [{ ...base, vmUuid: 'vm-b' }], vmUuid: 'vm-b' }, t + 1000);
      await reconcileUsage(k, { usageIds: ['vm-a', 'sg-shared'], slots: [], vmUuid: 'vm-a' }, t + 5000);
      const rows = await k.selectFrom('usage_intervals').select(['vm_uuid', 'start_ms', 'end_ms']).where('usage_id', '=', 'sg-shared').orderBy('vm_uuid').execute();
      assert.deepEqual(rows.map((r) => [r.vm_uuid, Number(r.start_ms), r.end_ms === null ? null : Number(r.end_ms)]), [['vm-a', t, t + 5000], ['vm-b', t + 1000, null]]);
    });
  });
}
