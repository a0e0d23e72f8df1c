/**
 * resizeVolume, migrateVolume, extractVolume and storage pool maintenance on real simulator
 * agents: sizes and pool room exact (also when the agent fails), what the agent's storage
 * holds, live migration under a running VM, the download link, and maintenance stopping and
 * restarting the VMs on a pool.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { GiB, volumeZone, type VolumeZone } from './volumes-setup.js';

for (const dialect of dialectsUnderTest()) {
  describe(`volume operations and pool maintenance (${dialect})`, () => {
    let z: VolumeZone;
    let secondary: string;
    before(async () => {
      z = await volumeZone(dialect, 'vol-ops-token');
      secondary = mkdtempSync(join(tmpdir(), 'nimbo-sec-'));
      await z.s.admin.ok('addImageStore', { provider: 'NFS', name: 'sec', url: `file://${secondary}`, zoneid: z.zone });
    });
    after(async () => {
      await z?.close();
      rmSync(secondary, { recursive: true, force: true });
    });

    const storage = async (accountUuid: string) => {
      const a = await z.s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', accountUuid).executeTakeFirstOrThrow();
      return z.s.app.services.limits.count({ kind: 'account', id: a.id }, 'primary_storage');
    };
    const one = async (id: string) => (await z.s.admin.ok('listVolumes', { id }))['volume'][0];

    it('resize: grow a custom volume on a running VM (online), shrink only with shrinkok, new offering; counts and pool exact', async () => {
      const u = await z.s.newAccount();
      const domainid = (await u.ok('listAccounts'))['account'][0].domainid;
      const vm = await z.deploy({ account: u.accountName, domainid });
      const v = (await u.jobOk('createVolume', { diskofferingid: z.offerings.custom, size: 10, virtualmachineid: vm.id }))['volume'];
      assert.equal(v.state, 'Ready');
      const pool = (await one(v.id)).storageid;
      const base = { storage: await storage(u.accountId), pool: (await z.pool(pool)).allocated };
      const grown = (await u.jobOk('resizeVolume', { id: v.id, size: 20 }))['volume'];
      assert.equal(grown.size, 20 * GiB);
      assert.equal((await z.agentVolume(v.id))?.size, 20 * GiB, 'the agent resized the disk');
      assert.equal(await storage(u.accountId), base.storage + 10 * GiB);
      assert.equal((await z.pool(pool)).allocated, base.pool + 10 * GiB);
      const noShrink = await u.job('resizeVolume', { id: v.id, size: 15 });
      assert.equal(noShrink['jobresult'].errorcode, 431);
      assert.match(noShrink['jobresult'].errortext, /shrinkok/);
      assert.equal((await u.jobOk('resizeVolume', { id: v.id, size: 15, shrinkok: true }))['volume'].size, 15 * GiB);
      assert.equal(await storage(u.accountId), base.storage + 5 * GiB);
      assert.equal((await z.pool(pool)).allocated, base.pool + 5 * GiB);
      // An injected agent failure gives back what the grow reserved.
      const mock = (await z.s.admin.ok('configureSimulator', { name: 'ResizeVolumeCommand', value: 'result:fail', zoneid: z.zone, count: 1 }))['null'];
      const failed = await u.job('resizeVolume', { id: v.id, size: 40 });
      await z.s.admin.ok('cleanupSimulatorMock', { id: mock.id });
      assert.equal(failed['jobstatus'], 2);
      const after = await one(v.id);
      assert.deepEqual([after.state, after.size], ['Ready', 15 * GiB]);
      assert.equal(await storage(u.accountId), base.storage + 5 * GiB);
      assert.equal((await z.pool(pool)).allocated, base.pool + 5 * GiB);
      // A fixed-size volume resizes through a new offering only.
      const fixed = (await u.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.small }))['volume'];
      assert.equal((await u.job('resizeVolume', { id: fixed.id, size: 8 }))['jobresult'].errorcode, 431);
      const bigger = await z.s.admin.ok('createDiskOffering', { name: 'eight', disksize: 8 });
      const r = (await u.jobOk('resizeVolume', { id: fixed.id, diskofferingid: bigger['diskoffering'].id }))['volume'];
      assert.deepEqual([r.size, r.diskofferingname, r.state], [8 * GiB, 'eight', 'Allocated']);
      await u.ok('deleteVolume', { id: fixed.id });
      await u.jobOk('detachVolume', { id: v.id });
      await u.ok('deleteVolume', { id: v.id });
      assert.equal(await storage(u.accountId), base.storage - 10 * GiB, 'only the root disk is left counted');
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('migrate: root admin only; detached between pools; a running VM\'s volume only live; capacity moves exactly', async () => {
      const u = await z.s.newAccount();
      const domainid = (await u.ok('listAccounts'))['account'][0].domainid;
      const vm = await z.deploy({ account: u.accountName, domainid });
      const v = (await u.jobOk('createVolume', { diskofferingid: z.offerings.small, virtualmachineid: vm.id }))['volume'];
      const from = (await one(v.id)).storageid as string;
      const to = from === z.pools.plain ? z.pools.zonewide : z.pools.plain;
      assert.equal((await u.call('migrateVolume', { volumeid: v.id, storageid: to })).status, 531);
      const notLive = await z.s.admin.job('migrateVolume', { volumeid: v.id, storageid: to });
      assert.match(notLive['jobresult'].errortext, /livemigrate/);
      const [a0, b0] = [(await z.pool(from)).allocated, (await z.pool(to)).allocated];
      const moved = (await z.s.admin.jobOk('migrateVolume', { volumeid: v.id, storageid: to, livemigrate: true }))['volume'];
      assert.equal(moved.storageid, to);
      assert.equal(moved.state, 'Ready');
      assert.deepEqual([(await z.pool(from)).allocated, (await z.pool(to)).allocated], [a0 - 5 * GiB, b0 + 5 * GiB]);
      const held = await z.agentVolume(v.id);
      assert.ok(held?.path.startsWith((await z.s.app.db.kysely.selectFrom('storage_pools').select('path').where('uuid', '=', to).executeTakeFirstOrThrow()).path));
      assert.ok(held?.instanceName, 'the running VM uses the copy');
      // Detached, back again; a pool without the offering's tags is refused.
      await u.jobOk('detachVolume', { id: v.id });
      const ssdOnly = (await u.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.ssd, virtualmachineid: vm.id }))['volume'];
      assert.equal((await z.s.admin.job('migrateVolume', { volumeid: ssdOnly.id, storageid: z.pools.plain, livemigrate: true }))['jobresult'].errorcode, 431);
      const [a1, b1] = [(await z.pool(from)).allocated, (await z.pool(to)).allocated];
      assert.equal((await z.s.admin.jobOk('migrateVolume', { volumeid: v.id, storageid: from }))['volume'].storageid, from);
      assert.deepEqual([(await z.pool(from)).allocated, (await z.pool(to)).allocated], [a1 + 5 * GiB, b1 - 5 * GiB]);
      // An injected failure leaves it where it was, room given back.
      const mock = (await z.s.admin.ok('configureSimulator', { name: 'MigrateVolumeCommand', value: 'result:fail', zoneid: z.zone, count: 1 }))['null'];
      assert.equal((await z.s.admin.job('migrateVolume', { volumeid: v.id, storageid: to }))['jobstatus'], 2);
      await z.s.admin.ok('cleanupSimulatorMock', { id: mock.id });
      assert.equal((await one(v.id)).storageid, from);
      assert.deepEqual([(await z.pool(from)).allocated, (await z.pool(to)).allocated], [a1 + 5 * GiB, b1 - 5 * GiB]);
      await u.ok('deleteVolume', { id: v.id });
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
      await u.ok('deleteVolume', { id: ssdOnly.id });
    });

    it('extract: a detached volume downloads from an expiring URL; a running VM\'s volume is refused', async () => {
      const vm = await z.deploy();
      const v = (await z.s.admin.jobOk('createVolume', { diskofferingid: z.offerings.small, virtualmachineid: vm.id }))['volume'];
      const refused = await z.s.admin.job('extractVolume', { id: v.id, zoneid: z.zone, mode: 'HTTP_DOWNLOAD' });
      assert.equal(refused['jobstatus'], 2);
      await z.s.admin.jobOk('detachVolume', { id: v.id });
      const e = (await z.s.admin.jobOk('extractVolume', { id: v.id, zoneid: z.zone, mode: 'HTTP_DOWNLOAD' }))['volume'];
      assert.equal(e.id, v.id);
      assert.equal(e.state, 'DOWNLOAD_URL_CREATED');
      const body = await (await fetch(e.url)).text();
      assert.deepEqual(JSON.parse(body), { simulator: 'volume', uuid: v.id, virtualSize: 5 * GiB });
      assert.equal((await fetch(e.url.replace(/extract\/volume\/[0-9a-f]+/, 'extract/volume/00'))).status, 404);
      await z.s.admin.ok('deleteVolume', { id: v.id });
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('maintenance stops the VMs on the pool, takes no new volumes, and cancel starts those VMs again', async () => {
      const vm = await z.deploy();
      const root = (await z.s.admin.ok('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }))['volume'][0];
      const pool = root.storageid as string;
      const m = (await z.s.admin.jobOk('enableStorageMaintenance', { id: pool }))['storagepool'];
      assert.equal(m.state, 'Maintenance');
      assert.equal((await z.s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Stopped');
      // Placement avoids the pool: a new VM and a new volume land elsewhere.
      const other = await z.deploy();
      const otherRoot = (await z.s.admin.ok('listVolumes', { virtualmachineid: other.id, type: 'ROOT' }))['volume'][0];
      assert.notEqual(otherRoot.storageid, pool);
      const nv = (await z.s.admin.jobOk('createVolume', { diskofferingid: z.offerings.small, virtualmachineid: other.id }))['volume'];
      assert.notEqual(nv.storageid, pool);
      const c = (await z.s.admin.jobOk('cancelStorageMaintenance', { id: pool }))['storagepool'];
      assert.equal(c.state, 'Up');
      assert.equal((await z.s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Running');
      assert.equal((await z.s.admin.ok('listVirtualMachines', { id: other.id }))['virtualmachine'][0].state, 'Running');
      await z.s.admin.jobOk('detachVolume', { id: nv.id });
      await z.s.admin.ok('deleteVolume', { id: nv.id });
      for (const id of [vm.id, other.id]) await z.s.admin.jobOk('destroyVirtualMachine', { id, expunge: true });
    });

    it('a VM that cannot be stopped leaves the pool ErrorInMaintenance; maintenance can be retried', async () => {
      const vm = await z.deploy();
      const pool = (await z.s.admin.ok('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }))['volume'][0].storageid as string;
      const mock = (await z.s.admin.ok('configureSimulator', { name: 'StopCommand', value: 'result:fail', zoneid: z.zone }))['null'];
      const j = await z.s.admin.job('enableStorageMaintenance', { id: pool });
      assert.equal(j['jobstatus'], 2);
      assert.equal((await z.pool(pool)).status, 'ErrorInMaintenance');
      assert.equal((await z.s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Running');
      await z.s.admin.ok('cleanupSimulatorMock', { id: mock.id });
      assert.equal((await z.s.admin.jobOk('enableStorageMaintenance', { id: pool }))['storagepool'].state, 'Maintenance');
      assert.equal((await z.s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Stopped');
      assert.equal((await z.s.admin.jobOk('cancelStorageMaintenance', { id: pool }))['storagepool'].state, 'Up');
      assert.equal((await z.s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Running');
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('pool room is exact under storage.overprovisioning.factor: an exact fit lands, one byte more does not', async () => {
      const vm = await z.deploy();
      const off = (await z.s.admin.ok('createDiskOffering', { name: 'ssd-custom', customized: true, tags: 'ssd' }))['diskoffering'].id as string;
      await z.s.admin.ok('updateConfiguration', { name: 'storage.overprovisioning.factor', value: '1' });
      try {
        const free = 100 * GiB - (await z.pool(z.pools.ssd)).allocated;
        assert.equal(free % GiB, 0);
        const tooBig = (await z.s.admin.jobOk('createVolume', { zoneid: z.zone, diskofferingid: off, size: free / GiB + 1 }))['volume'];
        assert.equal((await z.s.admin.job('attachVolume', { id: tooBig.id, virtualmachineid: vm.id }))['jobresult'].errorcode, 533);
        const exact = (await z.s.admin.jobOk('createVolume', { diskofferingid: off, size: free / GiB, virtualmachineid: vm.id }))['volume'];
        assert.equal(exact.storageid, z.pools.ssd);
        assert.equal((await z.pool(z.pools.ssd)).allocated, 100 * GiB);
        // A factor of 3 triples the room: the bigger one fits now.
        await z.s.admin.ok('updateConfiguration', { name: 'storage.overprovisioning.factor', value: '3' });
        assert.equal((await z.s.admin.jobOk('attachVolume', { id: tooBig.id, virtualmachineid: vm.id }))['volume'].storageid, z.pools.ssd);
        assert.equal((await z.pool(z.pools.ssd)).allocated, 100 * GiB + free + GiB);
        for (const v of [exact, tooBig]) {
          await z.s.admin.jobOk('detachVolume', { id: v.id });
          await z.s.admin.ok('deleteVolume', { id: v.id });
        }
        assert.equal((await z.pool(z.pools.ssd)).allocated, 100 * GiB - free);
      } finally {
        await z.s.admin.ok('updateConfiguration', { name: 'storage.overprovisioning.factor', value: '2' });
      }
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('listVolumes: filters, keyword, paging, and a domain admin sees its domain with listall', async () => {
      const dom = (await z.s.admin.ok('createDomain', { name: 'voldom' }))['domain'];
      const da = await z.s.newAccount({ domainid: dom.id, accounttype: 2 });
      const u = await z.s.newAccount({ domainid: dom.id });
      const mine: any[] = [];
      for (const n of ['alpha-1', 'alpha-2', 'beta-1']) mine.push((await u.jobOk('createVolume', { zoneid: z.zone, diskofferingid: z.offerings.small, name: n }))['volume']);
      assert.deepEqual(((await u.ok('listVolumes', { keyword: 'alpha' }))['volume']).map((v: any) => v.name).sort(), ['alpha-1', 'alpha-2']);
      assert.equal((await u.ok('listVolumes', { name: 'beta-1' }))['volume'][0].id, mine[2].id);
      assert.equal((await u.ok('listVolumes', { state: 'Allocated', type: 'DATADISK', zoneid: z.zone }))['count'], 3);
      const page = await u.ok('listVolumes', { page: 2, pagesize: 2 });
      assert.equal(page['count'], 3);
      assert.equal(page['volume'].length, 1);
      // Newest first, as CloudStack lists them.
      assert.equal((await u.ok('listVolumes', { page: 1, pagesize: 1 }))['volume'][0].name, 'beta-1');
      assert.equal((await da.ok('listVolumes'))['count'], undefined, 'a domain admin sees its own account by default');
      assert.equal((await da.ok('listVolumes', { listall: true }))['count'], 3);
      assert.equal((await da.ok('listVolumes', { account: u.accountName, domainid: dom.id }))['count'], 3);
      // storageid is a root admin parameter: from a user it is ignored, as CloudStack does.
      assert.equal((await u.ok('listVolumes', { storageid: z.pools.ssd }))['count'], 3);
      await u.jobOk('attachVolume', { id: mine[0].id, virtualmachineid: (await z.deploy({ account: u.accountName, domainid: dom.id }))['id'] });
      const onPool = (await z.s.admin.ok('listVolumes', { id: mine[0].id }))['volume'][0].storageid;
      assert.ok((await z.s.admin.ok('listVolumes', { storageid: onPool, listall: true }))['volume'].some((v: any) => v.id === mine[0].id));
      assert.equal((await z.s.admin.ok('listVolumes', { diskofferingid: z.offerings.small, account: u.accountName, domainid: dom.id }))['count'], 3);
    });
  });
}
