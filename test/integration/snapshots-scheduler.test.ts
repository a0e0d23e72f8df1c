/**
 * The recurring snapshot scheduler on every database, driven by explicit times (its clock is
 * injectable): a day of hourly runs with retention, a daily policy across New York's DST
 * change, catch-up once after downtime, the inactive-volume rule, and exactly-once with two
 * schedulers (as two management servers) sharing the database.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotScheduler } from '../../src/services/snapshots/scheduler.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import type { ApiClient } from '../helpers/server.js';
import { snapshotZone, type SnapshotZone } from '../helpers/snapshot-zone.js';

const HOUR = 3_600_000;

for (const dialect of dialectsUnderTest()) {
  describe(`snapshot scheduler (${dialect})`, () => {
    let z: SnapshotZone;
    let user: ApiClient & { accountId: string; accountName: string };

    before(async () => {
      z = await snapshotZone(dialect);
      user = await z.s.newAccount();
      // These tests take more than the default 20 snapshots over the account's life.
      const a = (await z.s.admin.ok('listAccounts', { name: user.accountName, listall: true }))['account'][0];
      await z.s.admin.ok('updateResourceLimit', { account: user.accountName, domainid: a.domainid, resourcetype: 3, max: -1 });
    });
    after(async () => z.close());

    const k = () => z.s.app.db.kysely;
    const sched = () => z.s.app.services.snapshotScheduler;
    const policy = async (volumeid: string, intervaltype: string, schedule: string, timezone: string, maxsnaps: number) =>
      (await user.ok('createSnapshotPolicy', { volumeid, intervaltype, schedule, timezone, maxsnaps }))['snapshotpolicy'];
    const nextRunOf = async (uuid: string) => Number((await k().selectFrom('snapshot_policies').select('next_run').where('uuid', '=', uuid).executeTakeFirstOrThrow()).next_run);
    const setNextRun = (uuid: string, at: number) => k().updateTable('snapshot_policies').set({ next_run: at }).where('uuid', '=', uuid).execute();
    const snapshotsOf = async (volumeid: string) => ((await user.ok('listSnapshots', { volumeid }))['snapshot'] ?? []) as any[];
    /** Deletes the policies earlier tests left, so each test's ticks see only its own. */
    const clearPolicies = async () => {
      const ids = (((await user.ok('listSnapshotPolicies', {}))['snapshotpolicy'] ?? []) as any[]).map((p) => p.id);
      if (ids.length) await user.ok('deleteSnapshotPolicies', { ids: ids.join(',') });
    };
    /** Ticks at the policy's next run `n` times, waiting for the snapshots; returns the run instants. */
    const runNext = async (uuid: string, n: number) => {
      const at: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = await nextRunOf(uuid);
        at.push(t);
        await sched().tick(t);
        await sched().drain();
      }
      return at;
    };

    it('a day of hourly runs: one snapshot an hour at the local minute, retention keeps maxsnaps, listed as HOURLY', async () => {
      const vm = await z.vm(user);
      const p = await policy(vm.root.uuid, 'HOURLY', '15', 'Asia/Kolkata', 3);
      const runs = await runNext(p.id, 24);
      for (const [i, t] of runs.entries()) {
        assert.equal(new Date(t).getUTCMinutes(), 45, 'minute 15 in India (+05:30) is minute 45 UTC');
        if (i) assert.equal(t - runs[i - 1]!, HOUR);
      }
      const snaps = await snapshotsOf(vm.root.uuid);
      assert.equal(snaps.length, 3);
      assert.ok(snaps.every((s) => s.snapshottype === 'HOURLY' && s.intervaltype === 'HOURLY' && s.state === 'BackedUp'));
      const all = await k().selectFrom('snapshots').select(['state', 'removed']).where('volume_id', '=', vm.root.id).execute();
      assert.equal(all.length, 24, 'one snapshot per run');
      assert.equal(all.filter((s) => s.state === 'Destroyed').length, 21, 'retention deleted the oldest');
      const a = (await z.s.admin.ok('listAccounts', { name: user.accountName, listall: true }))['account'][0];
      assert.equal(Number(a.snapshottotal), 3);
      assert.ok(Number(a.secondarystoragetotal) > 0);
    });

    it('a daily policy keeps its wall-clock time across the DST change in its time zone', async () => {
      await clearPolicies();
      const vm = await z.vm(user);
      const p = await policy(vm.root.uuid, 'DAILY', '00:09', 'America/New_York', 8);
      // As if created a few days before the US spring-forward of 2027-03-14.
      await setNextRun(p.id, Date.parse('2027-03-12T14:00:00Z'));
      const runs = await runNext(p.id, 5);
      assert.deepEqual(runs.map((t) => new Date(t).toISOString()), [
        '2027-03-12T14:00:00.000Z', '2027-03-13T14:00:00.000Z', '2027-03-14T13:00:00.000Z', '2027-03-15T13:00:00.000Z', '2027-03-16T13:00:00.000Z',
      ]);
      assert.equal((await snapshotsOf(vm.root.uuid)).length, 5);
      assert.equal(await nextRunOf(p.id), Date.parse('2027-03-17T13:00:00Z'));
    });

    it('after downtime a policy catches up once, then continues from the present', async () => {
      await clearPolicies();
      const vm = await z.vm(user);
      const p = await policy(vm.root.uuid, 'HOURLY', '00', 'UTC', 8);
      const due = Date.parse('2027-06-01T10:00:00Z');
      await setNextRun(p.id, due);
      const r = await sched().tick(due + 5 * 24 * HOUR + 30 * 60_000);
      await sched().drain();
      assert.equal(r.claimed, 1);
      assert.equal((await snapshotsOf(vm.root.uuid)).length, 1);
      assert.equal(await nextRunOf(p.id), Date.parse('2027-06-06T11:00:00Z'));
      assert.equal((await sched().tick(due + 5 * 24 * HOUR + 40 * 60_000)).claimed, 0);
    });

    it('an inactive volume gets one snapshot after it became inactive, then is skipped until it is active again', async () => {
      await clearPolicies();
      const vm = await z.vm(user);
      const p = await policy(vm.root.uuid, 'HOURLY', '00', 'UTC', 8);
      await setNextRun(p.id, Date.parse('2027-07-01T00:00:00Z'));
      await runNext(p.id, 1);
      assert.equal((await snapshotsOf(vm.root.uuid)).length, 1);
      await user.jobOk('stopVirtualMachine', { id: vm.id });
      await runNext(p.id, 1);
      assert.equal((await snapshotsOf(vm.root.uuid)).length, 2, 'one snapshot after the VM stopped');
      const skipped = await sched().tick(await nextRunOf(p.id));
      assert.deepEqual([skipped.claimed, skipped.skipped, skipped.queued], [1, 1, 0]);
      await runNext(p.id, 3);
      assert.equal((await snapshotsOf(vm.root.uuid)).length, 2, 'skipped while it stays inactive');
      await user.jobOk('startVirtualMachine', { id: vm.id });
      await runNext(p.id, 2);
      assert.equal((await snapshotsOf(vm.root.uuid)).length, 4, 'taken again once the VM runs');
      // A manual snapshot is always taken, active or not.
      await user.jobOk('stopVirtualMachine', { id: vm.id });
      assert.equal((await user.jobOk('createSnapshot', { volumeid: vm.root.uuid }))['snapshot'].state, 'BackedUp');
      assert.equal((await user.jobOk('createSnapshot', { volumeid: vm.root.uuid }))['snapshot'].state, 'BackedUp');
    });

    it('two schedulers on one database take each due run exactly once', async () => {
      await clearPolicies();
      const vms = [];
      for (let i = 0; i < 4; i++) vms.push(await z.vm(user));
      const due = Date.parse('2027-08-01T06:00:00Z');
      for (const vm of vms) {
        const p = await policy(vm.root.uuid, 'HOURLY', '00', 'UTC', 8);
        await setNextRun(p.id, due);
      }
      const second = new SnapshotScheduler(z.s.app.db, z.s.app.services, z.s.app.services.snapshots);
      for (let i = 0; i < 3; i++) {
        const at = due + i * HOUR;
        const [a, b] = await Promise.all([sched().tick(at), second.tick(at)]);
        assert.equal(a.claimed + b.claimed, 4, `run ${i}: every due run claimed once (${a.claimed} + ${b.claimed})`);
        await Promise.all([sched().drain(), second.drain()]);
      }
      for (const vm of vms) {
        const rows = await k().selectFrom('snapshots').select(['state', 'name', 'removed']).where('volume_id', '=', vm.root.id).execute();
        assert.equal((await snapshotsOf(vm.root.uuid)).length, 3, JSON.stringify(rows));
      }
    });
  });
}
