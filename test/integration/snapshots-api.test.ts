/**
 * Volume snapshots over a real server and real simulator agents on every database: the
 * seed's flow (primary → secondary → off primary), incremental sizes and the full backup
 * every snapshot.delta.max, deleting in the middle of a chain, failures injected into the
 * agent, the snapshot limit, scoping, and the snapshot policy commands.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitForJob } from '../../src/cli/api-client.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import type { ApiClient } from '../helpers/server.js';
import { snapshotZone, type SnapshotZone } from '../helpers/snapshot-zone.js';

const MiB = 1024 * 1024;

for (const dialect of dialectsUnderTest()) {
  describe(`snapshots (${dialect})`, () => {
    let z: SnapshotZone;
    let user: ApiClient & { accountId: string; accountName: string };
    let other: ApiClient & { accountId: string; accountName: string };

    before(async () => {
      z = await snapshotZone(dialect);
      user = await z.s.newAccount();
      other = await z.s.newAccount();
    });
    after(async () => z.close());

    const k = () => z.s.app.db.kysely;
    /** The next snapshot on `hostid` sees `bytes` written by the guest since the previous one. */
    const writes = (hostid: string, bytes: number) => z.s.admin.ok('configureSimulator', { name: 'CreateSnapshotCommand', value: `written:${bytes}`, hostid, count: 1 });
    const snap = async (c: ApiClient, volumeid: string, extra: Record<string, string> = {}) => (await c.jobOk('createSnapshot', { volumeid, ...extra }))['snapshot'];
    /** Whether each snapshot's backup data is still on secondary storage. */
    const data = async (uuids: string[]) => {
      const rows = await k().selectFrom('snapshot_store_refs as r').innerJoin('snapshots as s', 's.id', 'r.snapshot_id').select(['s.uuid', 'r.removed']).where('s.uuid', 'in', uuids).execute();
      return uuids.map((u) => (rows.find((r) => r.uuid === u)?.removed === null ? 'kept' : 'gone'));
    };
    const snapshotCount = async (c: ApiClient & { accountName: string }) => {
      const a = (await z.s.admin.ok('listAccounts', { name: c.accountName, listall: true }))['account'][0];
      return Number(a.snapshottotal);
    };
    const events = async (type: string) => ((await z.s.admin.ok('listEvents', { type, listall: true, page: 1, pagesize: 500 }))['event'] ?? []) as any[];

    it('a manual snapshot of a running VM\'s root disk is backed up and off primary, with CloudStack\'s fields and event', async () => {
      const vm = await z.vm(user);
      await writes(vm.hostid, 300 * MiB);
      const r = await user.ok('createSnapshot', { volumeid: vm.root.uuid });
      assert.ok(typeof r['id'] === 'string' && typeof r['jobid'] === 'string');
      const job = await waitForJob(r['jobid'], user.opts, undefined, 50, 60_000);
      assert.equal(job['jobstatus'], 1, JSON.stringify(job['jobresult']));
      assert.equal(job['jobinstancetype'], 'Snapshot');
      const s = job['jobresult']['snapshot'];
      assert.equal(s.id, r['id']);
      assert.equal(s.state, 'BackedUp');
      assert.equal(s.snapshottype, 'MANUAL');
      assert.equal(s.intervaltype, 'MANUAL');
      assert.equal(s.volumeid, vm.root.uuid);
      assert.equal(s.volumetype, 'ROOT');
      assert.equal(s.physicalsize, 300 * MiB);
      assert.equal(s.virtualsize, vm.root.size);
      assert.equal(s.zoneid, z.zoneId);
      assert.equal(s.account, user.accountName);
      assert.match(s.name, /^.+_ROOT-\d+_\d{14}$/);
      assert.equal(s.datastoretype, 'Image');
      const row = await k().selectFrom('snapshots').select(['primary_path', 'chain_depth', 'parent_id']).where('uuid', '=', s.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.primary_path, Number(row.chain_depth), row.parent_id], [null, 0, null]);
      const listed = (await user.ok('listSnapshots', { id: s.id }))['snapshot'];
      assert.equal(listed.length, 1);
      assert.deepEqual(listed[0], s);
      assert.ok((await events('SNAPSHOT.CREATE')).some((e) => e.state === 'Completed' && e.level === 'INFO' && e.account === user.accountName));
      assert.equal(await snapshotCount(user), 1);
      // Other accounts neither see it nor may snapshot the volume or delete the snapshot.
      assert.equal((await other.ok('listSnapshots', {}))['count'], undefined);
      assert.equal((await other.call('createSnapshot', { volumeid: vm.root.uuid })).status, 531);
      assert.equal((await other.call('deleteSnapshot', { id: s.id })).status, 531);
      assert.equal((await z.s.admin.ok('listSnapshots', { listall: true, volumeid: vm.root.uuid }))['count'], 1);
    });

    it('backups are incremental and a full one is taken every snapshot.delta.max; deleting in the middle keeps what later ones need', async () => {
      await z.s.admin.ok('updateConfiguration', { name: 'snapshot.delta.max', value: '3' });
      const vm = await z.vm(user);
      const taken: any[] = [];
      for (const w of [100, 10, 20, 5, 7]) {
        await writes(vm.hostid, w * MiB);
        taken.push(await snap(user, vm.root.uuid));
      }
      // full 100; deltas 10 and 20; a new full (everything written: 135); a delta of 7.
      assert.deepEqual(taken.map((s) => s.physicalsize / MiB), [100, 10, 20, 135, 7]);
      const rows = await k().selectFrom('snapshots').select(['uuid', 'chain_depth']).where('uuid', 'in', taken.map((s) => s.id)).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => Number(r.chain_depth)), [0, 1, 2, 0, 1]);
      // Newest first, as CloudStack lists them.
      assert.deepEqual((await user.ok('listSnapshots', { volumeid: vm.root.uuid }))['snapshot'].map((s: any) => s.id), [...taken].reverse().map((s) => s.id));

      const [s1, s2, s3, s4, s5] = taken;
      await user.jobOk('deleteSnapshot', { id: s2.id });
      assert.deepEqual(await data([s1.id, s2.id, s3.id]), ['kept', 'kept', 'kept'], 's3 is a delta of s2: its data stays');
      assert.equal((await user.ok('listSnapshots', { id: s3.id }))['count'], 1);
      assert.equal((await user.ok('listSnapshots', { id: s2.id }))['count'], undefined);
      assert.ok((await events('SNAPSHOT.DELETE')).some((e) => e.state === 'Completed' && e.level === 'INFO'));
      // Deleting the last of the chain frees it and the deleted parent it kept.
      await user.jobOk('deleteSnapshot', { id: s3.id });
      assert.deepEqual(await data([s1.id, s2.id, s3.id]), ['kept', 'gone', 'gone']);
      // A full backup with a delta: deleting the full keeps its data for the delta.
      await user.jobOk('deleteSnapshot', { id: s4.id });
      assert.deepEqual(await data([s4.id, s5.id]), ['kept', 'kept']);
      await user.jobOk('deleteSnapshot', { id: s5.id });
      assert.deepEqual(await data([s4.id, s5.id]), ['gone', 'gone']);
      await z.s.admin.ok('updateConfiguration', { name: 'snapshot.delta.max', value: '16' });
    });

    it('restores: a volume from a later snapshot of a chain whose middle was deleted, and templates from a snapshot and from a stopped VM\'s root disk', async () => {
      const vm = await z.vm(user);
      const taken: any[] = [];
      for (const w of [100, 10, 20]) {
        await writes(vm.hostid, w * MiB);
        taken.push(await snap(user, vm.root.uuid));
      }
      const [s1, s2, s3] = taken;
      await user.jobOk('deleteSnapshot', { id: s2.id });
      // A root disk's snapshot becomes a data disk, on primary storage at once.
      const vol = (await user.jobOk('createVolume', { snapshotid: s3.id, name: 'restored' }))['volume'];
      assert.deepEqual([vol.name, vol.type, vol.state, Number(vol.size)], ['restored', 'DATADISK', 'Ready', vm.root.size]);
      assert.ok((await events('VOLUME.CREATE')).some((e) => e.account === user.accountName));
      const att = (await user.jobOk('attachVolume', { id: vol.id, virtualmachineid: vm.id }))['volume'];
      assert.equal(att.virtualmachineid, vm.id);
      assert.equal((await user.call('createVolume', { snapshotid: s2.id })).status, 431, 'a deleted snapshot cannot be restored');
      assert.equal((await other.call('createVolume', { snapshotid: s3.id })).status, 531);
      assert.equal((await user.call('createVolume', { snapshotid: s3.id, diskofferingid: (await z.fx.diskOffering()).uuid })).status, 431);
      // An agent failure leaves the new volume Allocated and the job failed.
      const mock = await z.s.admin.ok('configureSimulator', { name: 'CreateVolumeFromSnapshotCommand', value: 'result:fail', zoneid: z.zoneId });
      const failed = await user.ok('createVolume', { snapshotid: s1.id });
      assert.equal((await waitForJob(failed['jobid'], user.opts, undefined, 50, 60_000))['jobstatus'], 2);
      assert.equal((await user.ok('listVolumes', { id: failed['id'] }))['volume'][0].state, 'Allocated');
      await z.s.admin.ok('cleanupSimulatorMock', { id: Object.values(mock)[0].id });

      const os = (await user.ok('listOsTypes', {}))['ostype'][0].id;
      const t = (await user.jobOk('createTemplate', { snapshotid: s3.id, name: 'from-snap', ostypeid: os }))['template'];
      assert.deepEqual([t.name, t.isready, t.ispublic, t.account, t.zoneid, t.templatetype], ['from-snap', true, false, user.accountName, z.zoneId, 'USER']);
      assert.equal(t.physicalsize, 130 * MiB, 'the whole chain: everything written up to s3');
      assert.equal(Number(t.size), vm.root.size);
      const mine = ((await user.ok('listTemplates', { templatefilter: 'self' }))['template'] ?? []).map((x: any) => x.id);
      assert.ok(mine.includes(t.id));
      assert.ok(!(((await other.ok('listTemplates', { templatefilter: 'executable' }))['template'] ?? []).some((x: any) => x.id === t.id)), 'private');
      const fromTpl = (await user.jobOk('deployVirtualMachine', { zoneid: z.zoneId, serviceofferingid: z.so, templateid: t.id }))['virtualmachine'];
      assert.equal(fromTpl.state, 'Running');
      assert.equal(fromTpl.templateid, t.id);

      assert.equal((await user.call('createTemplate', { volumeid: vm.root.uuid, name: 'from-vol', ostypeid: os })).status, 431, 'the VM must be stopped');
      assert.equal((await user.call('createTemplate', { name: 'neither', ostypeid: os })).status, 431);
      await user.jobOk('stopVirtualMachine', { id: vm.id });
      const tv = (await user.jobOk('createTemplate', { volumeid: vm.root.uuid, name: 'from-vol', ostypeid: os }))['template'];
      assert.deepEqual([tv.isready, tv.physicalsize], [true, 130 * MiB]);
      assert.ok((await events('TEMPLATE.CREATE')).filter((e) => e.account === user.accountName).length >= 2);
    });

    it('an agent failure leaves the snapshot in Error with its count given back; it can be deleted', async () => {
      const vm = await z.vm(user);
      const before = await snapshotCount(user);
      await z.s.admin.ok('configureSimulator', { name: 'BackupSnapshotCommand', value: 'result:fail', hostid: vm.hostid, count: 1 });
      const r = await user.ok('createSnapshot', { volumeid: vm.root.uuid });
      const job = await waitForJob(r['jobid'], user.opts, undefined, 50, 60_000);
      assert.equal(job['jobstatus'], 2);
      assert.equal(job['jobresult']['errorcode'], 534);
      const s = (await user.ok('listSnapshots', { id: r['id'] }))['snapshot'][0];
      assert.equal(s.state, 'Error');
      assert.equal(await snapshotCount(user), before);
      await user.jobOk('deleteSnapshot', { id: s.id });
      assert.equal(await snapshotCount(user), before);
      // The failed take removed its copy from primary storage.
      const row = await k().selectFrom('snapshots').select(['primary_path', 'state']).where('uuid', '=', s.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.primary_path, row.state], [null, 'Destroyed']);
      // And a snapshot of the same volume works again.
      assert.equal((await snap(user, vm.root.uuid)).state, 'BackedUp');
    });

    it('the account snapshot limit is enforced in the request (532)', async () => {
      const acct = await z.s.newAccount();
      const vm = await z.vm(acct);
      const a = (await z.s.admin.ok('listAccounts', { name: acct.accountName, listall: true }))['account'][0];
      await z.s.admin.ok('updateResourceLimit', { account: acct.accountName, domainid: a.domainid, resourcetype: 3, max: 1 });
      await snap(acct, vm.root.uuid);
      const r = await acct.call('createSnapshot', { volumeid: vm.root.uuid });
      assert.equal(r.status, 532);
      assert.equal(await snapshotCount(acct), 1);
      // A policy may not keep more snapshots than the account may have.
      const pr = await acct.call('createSnapshotPolicy', { volumeid: vm.root.uuid, intervaltype: 'DAILY', schedule: '00:01', timezone: 'UTC', maxsnaps: 2 });
      assert.equal(pr.status, 431);
    });

    it('deleting an account deletes its snapshots (and their backups) and its policies', async () => {
      const acct = await z.s.newAccount();
      const vm = await z.vm(acct);
      const a = await snap(acct, vm.root.uuid);
      const b = await snap(acct, vm.root.uuid);
      await acct.ok('createSnapshotPolicy', { volumeid: vm.root.uuid, intervaltype: 'DAILY', schedule: '00:01', timezone: 'UTC', maxsnaps: 1 });
      await z.s.admin.jobOk('deleteAccount', { id: acct.accountId });
      const rows = await k().selectFrom('snapshots').select(['state', 'removed']).where('uuid', 'in', [a.id, b.id]).execute();
      assert.deepEqual(rows.map((r) => [r.state, r.removed !== null]), [['Destroyed', true], ['Destroyed', true]]);
      assert.deepEqual(await data([a.id, b.id]), ['gone', 'gone']);
      const left = await k().selectFrom('snapshot_policies as p').innerJoin('volumes as v', 'v.id', 'p.volume_id').select('p.id').where('v.uuid', '=', vm.root.uuid).execute();
      assert.equal(left.length, 0);
    });

    it('snapshot policies: validation, one per interval (a second create updates it), list, update, delete, events', async () => {
      const vm = await z.vm(user);
      const bad = async (params: Record<string, string | number>) => (await user.call('createSnapshotPolicy', { volumeid: vm.root.uuid, intervaltype: 'HOURLY', schedule: '5', timezone: 'UTC', maxsnaps: 2, ...params })).status;
      assert.equal(await bad({ schedule: '61' }), 431);
      assert.equal(await bad({ intervaltype: 'DAILY', schedule: '5' }), 431);
      assert.equal(await bad({ intervaltype: 'WEEKLY', schedule: '00:10:8' }), 431);
      assert.equal(await bad({ intervaltype: 'YEARLY' }), 431);
      assert.equal(await bad({ timezone: 'Mars/Olympus' }), 431);
      assert.equal(await bad({ maxsnaps: 9 }), 431, 'snapshot.max.hourly is 8');
      assert.equal(await bad({ maxsnaps: 0 }), 431);
      const p1 = (await user.ok('createSnapshotPolicy', { volumeid: vm.root.uuid, intervaltype: 'HOURLY', schedule: '5', timezone: 'Asia/Kolkata', maxsnaps: 2 }))['snapshotpolicy'];
      assert.deepEqual([p1.volumeid, p1.schedule, p1.intervaltype, p1.maxsnaps, p1.timezone, p1.fordisplay], [vm.root.uuid, '5', 0, 2, 'Asia/Kolkata', true]);
      const p2 = (await user.ok('createSnapshotPolicy', { volumeid: vm.root.uuid, intervaltype: 'hourly', schedule: '30', timezone: 'UTC', maxsnaps: 3 }))['snapshotpolicy'];
      assert.equal(p2.id, p1.id, 'one policy per interval type: the second create updates it');
      assert.deepEqual([p2.schedule, p2.maxsnaps, p2.timezone], ['30', 3, 'UTC']);
      const p3 = (await user.ok('createSnapshotPolicy', { volumeid: vm.root.uuid, intervaltype: 'MONTHLY', schedule: '00:02:28', timezone: 'UTC', maxsnaps: 1 }))['snapshotpolicy'];
      assert.equal(p3.intervaltype, 3);
      const listed = await user.ok('listSnapshotPolicies', { volumeid: vm.root.uuid });
      assert.deepEqual(listed['snapshotpolicy'].map((p: any) => p.id).sort(), [p1.id, p3.id].sort());
      assert.equal((await other.call('listSnapshotPolicies', { volumeid: vm.root.uuid })).status, 531);
      assert.equal((await other.call('deleteSnapshotPolicies', { id: p1.id })).status, 531);
      const up = await z.s.admin.jobOk('updateSnapshotPolicy', { id: p3.id, fordisplay: false });
      assert.equal(up['snapshotpolicy'].fordisplay, false);
      assert.equal((await user.ok('deleteSnapshotPolicies', { ids: `${p1.id},${p3.id}` }))['success'], 'true');
      assert.equal((await user.ok('listSnapshotPolicies', { volumeid: vm.root.uuid }))['count'], undefined);
      const types = new Set((await events('SNAPSHOTPOLICY.CREATE')).concat(await events('SNAPSHOTPOLICY.UPDATE'), await events('SNAPSHOTPOLICY.DELETE')).map((e) => e.type));
      assert.deepEqual([...types].sort(), ['SNAPSHOTPOLICY.CREATE', 'SNAPSHOTPOLICY.DELETE', 'SNAPSHOTPOLICY.UPDATE']);
      // createSnapshot may name the volume's own policy (the snapshot is then of that interval).
      const p4 = (await user.ok('createSnapshotPolicy', { volumeid: vm.root.uuid, intervaltype: 'DAILY', schedule: '00:03', timezone: 'UTC', maxsnaps: 2 }))['snapshotpolicy'];
      const s = await snap(user, vm.root.uuid, { policyid: p4.id });
      assert.equal(s.snapshottype, 'DAILY');
      assert.equal((await user.ok('listSnapshots', { snapshottype: 'RECURRING', volumeid: vm.root.uuid }))['count'], 1);
      assert.equal((await user.ok('listSnapshots', { intervaltype: 'DAILY', volumeid: vm.root.uuid }))['count'], 1);
      assert.equal((await user.ok('listSnapshots', { snapshottype: 'MANUAL', volumeid: vm.root.uuid }))['count'], undefined);
    });
  });
}
