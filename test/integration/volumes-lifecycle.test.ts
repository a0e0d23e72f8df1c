/**
 * Data volumes on real simulator agents: createVolume (Allocated, no pool, counted),
 * attach to a running VM (placed by storage tags, created and hot-attached on the agent),
 * device ids and the data-disk cap, detach, delete only when detached, pool capacity and
 * limits exact (also when the agent fails), ROOT rules and other accounts refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { GiB, volumeZone, type VolumeZone } from './volumes-setup.js';

for (const dialect of dialectsUnderTest()) {
  describe(`volumes lifecycle (${dialect})`, () => {
    let z: VolumeZone;
    before(async () => {
      z = await volumeZone(dialect, 'vol-life-token', { far: true });
    });
    after(async () => z?.close());

    const counts = async (accountUuid: string) => {
      const a = await z.s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', accountUuid).executeTakeFirstOrThrow();
      const owner = { kind: 'account' as const, id: a.id };
      return { volume: await z.s.app.services.limits.count(owner, 'volume'), storage: await z.s.app.services.limits.count(owner, 'primary_storage') };
    };
    /** The service's own event (the job's Scheduled/Started/Completed events come on top). */
    const events = async (type: string, uuid: string, text: RegExp) => (await z.s.app.db.kysely.selectFrom('events').select('description').where('type', '=', type)
      .where('resource_uuid', '=', uuid).execute()).filter((e) => text.test(e.description)).length;

    it('createVolume → Allocated on no pool, counted; attach to a running VM places it by tags and hot-attaches it', async () => {
      const u = await z.s.newAccount();
      const vm = await z.deploy({ account: u.accountName, domainid: (await u.ok('listAccounts'))['account'][0].domainid });
      const before = await counts(u.accountId);
      const created = await u.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.ssd, name: 'data1' });
      const vol = created['volume'];
      assert.equal(vol.state, 'Allocated');
      assert.equal(vol.type, 'DATADISK');
      assert.equal(vol.size, 5 * GiB);
      assert.equal('attached' in vol, false);
      assert.equal(vol.storage, undefined, 'no pool, and a user never sees one');
      assert.deepEqual(await counts(u.accountId), { volume: before.volume + 1, storage: before.storage + 5 * GiB });
      assert.equal(await events('VOLUME.CREATE', vol.id, /^Creating volume data1/), 1);
      const ssdBefore = (await z.pool(z.pools.ssd)).allocated;

      const att = (await u.jobOk('attachVolume', { id: vol.id, virtualmachineid: vm.id }))['volume'];
      assert.equal(att.state, 'Ready');
      assert.equal(att.virtualmachineid, vm.id);
      assert.equal(att.deviceid, 1);
      assert.equal(att.vmstate, 'Running');
      assert.ok(att.attached);
      assert.equal((await z.pool(z.pools.ssd)).allocated, ssdBefore + 5 * GiB, 'placed on the only pool tagged ssd');
      const held = await z.agentVolume(vol.id);
      assert.equal(held?.size, 5 * GiB);
      assert.match(held!.instanceName!, /^i-\d+-\d+-VM$/, 'hot-attached to the running VM on the agent');
      const admin = (await z.s.admin.ok('listVolumes', { id: vol.id }))['volume'][0];
      assert.equal(admin.storageid, z.pools.ssd);
      assert.equal(admin.storage, 'ssd');
      assert.equal(await events('VOLUME.ATTACH', vol.id, /^Attaching volume data1 to VM .* as device 1$/), 1);

      // Attached: not deletable; detach (hot) then delete frees the pool and the counts.
      const refused = await u.call('deleteVolume', { id: vol.id });
      assert.equal(refused.status, 431);
      const det = (await u.jobOk('detachVolume', { id: vol.id }))['volume'];
      assert.equal('virtualmachineid' in det, false);
      assert.equal('attached' in det, false);
      assert.equal((await z.agentVolume(vol.id))?.instanceName, undefined, 'detached on the agent');
      assert.equal(String((await u.ok('deleteVolume', { id: vol.id }))['success']), 'true');
      assert.equal(await z.agentVolume(vol.id), undefined, 'deleted from the pool');
      assert.equal((await z.pool(z.pools.ssd)).allocated, ssdBefore);
      assert.deepEqual(await counts(u.accountId), before);
      assert.equal(await events('VOLUME.DELETE', vol.id, /^Deleting volume data1/), 1);
      assert.equal((await u.ok('listVolumes', { id: vol.id }))['count'], undefined);
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('device ids: asked, taken, 3 reserved; at most 6 data disks; detach by VM and device', async () => {
      const vm = await z.deploy({ startvm: false });
      const mk = async () => (await z.s.admin.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.small }))['volume'].id as string;
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await mk());
      const a = (await z.s.admin.jobOk('attachVolume', { id: ids[0]!, virtualmachineid: vm.id, deviceid: 4 }))['volume'];
      assert.equal(a.deviceid, 4);
      assert.equal(a.state, 'Allocated', 'a VM that never started has no place for the disk yet');
      const taken = await z.s.admin.job('attachVolume', { id: ids[1]!, virtualmachineid: vm.id, deviceid: 4 });
      assert.equal(taken['jobstatus'], 2);
      assert.match(taken['jobresult'].errortext, /deviceId 4 is used/);
      const three = await z.s.admin.job('attachVolume', { id: ids[1]!, virtualmachineid: vm.id, deviceid: 3 });
      assert.match(three['jobresult'].errortext, /deviceId should be 1,2,4-7/);
      const got: number[] = [];
      for (const id of ids.slice(1, 6)) got.push((await z.s.admin.jobOk('attachVolume', { id, virtualmachineid: vm.id }))['volume'].deviceid);
      assert.deepEqual(got, [1, 2, 5, 6, 7]);
      const seventh = await z.s.admin.job('attachVolume', { id: ids[6]!, virtualmachineid: vm.id });
      assert.match(seventh['jobresult'].errortext, /maximum number of data disks \(6\)/);
      // Starting the VM creates every attached disk on a pool of its cluster.
      await z.s.admin.jobOk('startVirtualMachine', { id: vm.id });
      const listed = (await z.s.admin.ok('listVolumes', { virtualmachineid: vm.id }))['volume'];
      assert.equal(listed.length, 7);
      assert.ok(listed.every((v: any) => v.state === 'Ready' && v.storageid));
      assert.equal(listed.filter((v: any) => v.type === 'ROOT').length, 1);
      const byDevice = (await z.s.admin.jobOk('detachVolume', { virtualmachineid: vm.id, deviceid: 5 }))['volume'];
      assert.equal(byDevice.id, ids[3]);
      assert.equal((await z.s.admin.ok('listVolumes', { virtualmachineid: vm.id }))['count'], 6);
      // Expunging the VM keeps its data disks, detached.
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
      const left = (await z.s.admin.ok('listVolumes', { ids: ids.slice(0, 6).join(',') }))['volume'];
      assert.equal(left.length, 6);
      assert.ok(left.every((v: any) => !('virtualmachineid' in v) && v.state === 'Ready'));
      for (const id of ids) assert.equal(String((await z.s.admin.ok('deleteVolume', { id }))['success']), 'true');
    });

    it('ROOT volumes: neither detachable nor deletable; go (with their pool room) when the VM is expunged', async () => {
      const vm = await z.deploy();
      const root = (await z.s.admin.ok('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }))['volume'][0];
      assert.equal(root.deviceid, 0);
      const pool = await z.pool(root.storageid);
      const det = await z.s.admin.job('detachVolume', { id: root.id });
      assert.equal(det['jobstatus'], 2);
      assert.equal((await z.s.admin.call('deleteVolume', { id: root.id })).status, 431);
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
      assert.equal((await z.pool(root.storageid)).allocated, pool.allocated - root.size);
      assert.equal((await z.s.admin.ok('listVolumes', { id: root.id }))['count'], undefined);
      assert.equal(await z.agentVolume(root.id), undefined);
    });

    it('another account\'s volume or VM is refused; a user sees only its volumes', async () => {
      const a = await z.s.newAccount();
      const b = await z.s.newAccount();
      const vmB = await z.deploy({ account: b.accountName, domainid: (await b.ok('listAccounts'))['account'][0].domainid, startvm: false });
      const volA = (await a.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.small }))['volume'];
      const volB = (await b.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.small }))['volume'];
      assert.equal((await a.call('attachVolume', { id: volA.id, virtualmachineid: vmB.id })).status, 531);
      assert.equal((await a.call('attachVolume', { id: volB.id, virtualmachineid: vmB.id })).status, 531);
      assert.equal((await a.call('deleteVolume', { id: volB.id })).status, 531);
      const mine = (await a.ok('listVolumes'))['volume'];
      assert.deepEqual(mine.map((v: any) => v.id), [volA.id]);
      // An admin cannot pair one account's volume with another's VM either.
      const mixed = await z.s.admin.job('attachVolume', { id: volA.id, virtualmachineid: vmB.id });
      assert.equal(mixed['jobresult'].errorcode, 531);
      await a.ok('deleteVolume', { id: volA.id });
      await b.ok('deleteVolume', { id: volB.id });
    });

    it('custom sizes are bounded by max.volume.size.gb; the volume limit refuses with 532', async () => {
      const u = await z.s.newAccount();
      await z.s.admin.ok('updateConfiguration', { name: 'max.volume.size.gb', value: '50' });
      assert.equal((await u.call('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.custom })).status, 431);
      assert.equal((await u.call('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.custom, size: 51 })).status, 431);
      const v = (await u.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.custom, size: 50 }))['volume'];
      assert.equal(v.size, 50 * GiB);
      const domainid = (await u.ok('listAccounts'))['account'][0].domainid;
      await z.s.admin.ok('updateResourceLimit', { account: u.accountName, domainid, resourcetype: 2, max: 1 });
      const over = await u.call('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.small });
      assert.equal(over.status, 532);
      assert.deepEqual(await counts(u.accountId), { volume: 1, storage: 50 * GiB });
      await u.ok('deleteVolume', { id: v.id });
      assert.deepEqual(await counts(u.accountId), { volume: 0, storage: 0 });
    });

    it('no pool with the offering\'s tags: attach fails, the volume stays Allocated with its pool room untouched', async () => {
      const vm = await z.deploy();
      const v = (await z.s.admin.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.nowhere }))['volume'];
      const before = await Promise.all([z.pools.plain, z.pools.ssd, z.pools.zonewide].map((p) => z.pool(p)));
      const j = await z.s.admin.job('attachVolume', { id: v.id, virtualmachineid: vm.id });
      assert.equal(j['jobresult'].errorcode, 533);
      // Zone-wide pools are in every cluster's reach.
      const zw = (await z.s.admin.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.zonewide, virtualmachineid: vm.id }))['volume'];
      assert.equal(zw.storageid, z.pools.zonewide);
      assert.equal((await z.pool(z.pools.zonewide)).allocated, before[2]!.allocated + 5 * GiB);
      assert.equal((await z.s.admin.ok('listVolumes', { id: v.id }))['volume'][0].state, 'Allocated');
      await z.s.admin.jobOk('detachVolume', { id: zw.id });
      await z.s.admin.ok('deleteVolume', { id: zw.id });
      await z.s.admin.ok('deleteVolume', { id: v.id });
      assert.deepEqual((await Promise.all([z.pools.plain, z.pools.ssd, z.pools.zonewide].map((p) => z.pool(p)))).map((p) => p.allocated), before.map((p) => p.allocated));
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('an injected CreateVolume or AttachVolume failure leaves counts and pool room exact', async () => {
      const vm = await z.deploy();
      const v = (await z.s.admin.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.ssd }))['volume'];
      const ssd = (await z.pool(z.pools.ssd)).allocated;
      const m1 = (await z.s.admin.ok('configureSimulator', { name: 'CreateVolume', value: 'result:fail', zoneid: z.zone, count: 1 }))['null'];
      const failed = await z.s.admin.job('attachVolume', { id: v.id, virtualmachineid: vm.id });
      assert.equal(failed['jobstatus'], 2);
      let row = (await z.s.admin.ok('listVolumes', { id: v.id }))['volume'][0];
      assert.equal(row.state, 'Allocated');
      assert.equal(row.storageid, undefined);
      assert.equal((await z.pool(z.pools.ssd)).allocated, ssd);
      const m2 = (await z.s.admin.ok('configureSimulator', { name: 'AttachCommand', value: 'result:fail', zoneid: z.zone, count: 1 }))['null'];
      const hot = await z.s.admin.job('attachVolume', { id: v.id, virtualmachineid: vm.id });
      assert.equal(hot['jobstatus'], 2);
      row = (await z.s.admin.ok('listVolumes', { id: v.id }))['volume'][0];
      assert.equal(row.state, 'Ready', 'created on the pool, the hot attach failed');
      assert.equal(row.virtualmachineid, undefined);
      assert.equal((await z.pool(z.pools.ssd)).allocated, ssd + 5 * GiB);
      // Counts are per host: the hosts that did not fail keep theirs until cleaned up.
      for (const m of [m1, m2]) await z.s.admin.ok('cleanupSimulatorMock', { id: m.id });
      assert.equal((await z.s.admin.jobOk('attachVolume', { id: v.id, virtualmachineid: vm.id }))['volume'].state, 'Ready');
      await z.s.admin.jobOk('detachVolume', { id: v.id });
      await z.s.admin.ok('deleteVolume', { id: v.id });
      assert.equal((await z.pool(z.pools.ssd)).allocated, ssd);
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('attaching a disk on a pool the VM cannot reach moves it first to one it reaches with the offering\'s tags', async () => {
      const near = await z.deploy();
      const v = (await z.s.admin.jobOk('createVolume', { diskofferingid: z.offerings.ssd, virtualmachineid: near.id }))['volume'];
      assert.equal(v.storageid, z.pools.ssd);
      await z.s.admin.jobOk('detachVolume', { id: v.id });
      await z.s.admin.ok('updateCluster', { id: z.far!.cluster, allocationstate: 'Enabled' });
      const far = await z.deploy({ clusterid: z.far!.cluster });
      await z.s.admin.ok('updateCluster', { id: z.far!.cluster, allocationstate: 'Disabled' });
      assert.equal(far.hostid, z.far!.host);
      const [ssd, farPool] = [(await z.pool(z.pools.ssd)).allocated, (await z.pool(z.pools.far!)).allocated];
      const moved = (await z.s.admin.jobOk('attachVolume', { id: v.id, virtualmachineid: far.id }))['volume'];
      assert.equal(moved.storageid, z.pools.far);
      assert.equal(moved.virtualmachineid, far.id);
      assert.deepEqual([(await z.pool(z.pools.ssd)).allocated, (await z.pool(z.pools.far!)).allocated], [ssd - 5 * GiB, farPool + 5 * GiB]);
      assert.equal((await z.agentVolume(v.id))?.instanceName !== undefined, true, 'hot-attached from its new pool');
      await z.s.admin.jobOk('detachVolume', { id: v.id });
      await z.s.admin.ok('deleteVolume', { id: v.id });
      for (const id of [near.id, far.id]) await z.s.admin.jobOk('destroyVirtualMachine', { id, expunge: true });
    });

    it('attaches racing for one VM never share a device id; updateResourceCount recounts volumes and primary storage', async () => {
      const u = await z.s.newAccount();
      const domainid = (await u.ok('listAccounts'))['account'][0].domainid;
      const vm = await z.deploy({ account: u.accountName, domainid, startvm: false });
      const vols: string[] = [];
      for (let i = 0; i < 4; i++) vols.push((await u.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.small }))['volume'].id);
      const jobs = await Promise.all(vols.map((id) => u.job('attachVolume', { id, virtualmachineid: vm.id })));
      const won = jobs.filter((j) => j['jobstatus'] === 1).map((j) => j['jobresult'].volume.deviceid);
      assert.ok(won.length >= 1);
      assert.equal(new Set(won).size, won.length, `distinct device ids: ${won}`);
      for (const j of jobs.filter((x) => x['jobstatus'] !== 1)) assert.match(j['jobresult'].errortext, /deviceId|changed state/);
      const listed = (await u.ok('listVolumes', { virtualmachineid: vm.id, type: 'DATADISK' }))['volume'];
      assert.equal(new Set(listed.map((v: any) => v.deviceid)).size, listed.length);
      // A count gone wrong is put right from the volumes themselves.
      const acct = await z.s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', u.accountId).executeTakeFirstOrThrow();
      const before = { volume: await z.s.app.services.limits.count({ kind: 'account', id: acct.id }, 'volume'), storage: await z.s.app.services.limits.count({ kind: 'account', id: acct.id }, 'primary_storage') };
      assert.deepEqual(before, { volume: 5, storage: 2 * GiB + 4 * 5 * GiB });
      await z.s.app.db.kysely.updateTable('resource_counts').set({ count: 99 }).where('owner_type', '=', 'account').where('owner_id', '=', acct.id).where('type', 'in', ['volume', 'primary_storage']).execute();
      await z.s.admin.ok('updateResourceCount', { account: u.accountName, domainid });
      assert.equal(await z.s.app.services.limits.count({ kind: 'account', id: acct.id }, 'volume'), before.volume);
      assert.equal(await z.s.app.services.limits.count({ kind: 'account', id: acct.id }, 'primary_storage'), before.storage);
      // Deleting the account expunges its VM (data disks detached) and then deletes every volume.
      await z.s.admin.jobOk('deleteAccount', { id: u.accountId });
      const left = await z.s.app.db.kysely.selectFrom('volumes').select('id').where('account_id', '=', acct.id).where('removed', 'is', null).execute();
      assert.equal(left.length, 0);
      for (const id of vols) assert.equal(await z.agentVolume(id), undefined);
    });
  });
}
