/** Service/disk offerings and OS types over real HTTP: defaults, domain scoping, deletion rules. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';

for (const dialect of dialectsUnderTest()) {
  describe(`offerings (${dialect})`, () => {
    let s: TestServer;
    let user: ApiClient;
    let other: ApiClient;
    let dom: { id: string };
    const code = async (c: ApiClient, cmd: string, params: Record<string, string | number | boolean>) => {
      const r = await c.call(cmd, params);
      return r.status === 200 ? 200 : (r.inner['errorcode'] as number);
    };

    before(async () => {
      s = await startServer(dialect);
      dom = (await s.admin.ok('createDomain', { name: 'sales' }))['domain'];
      user = await s.newAccount({ domainid: dom.id });
      other = await s.newAccount();
    });
    after(async () => { await s.close(); });

    it('has the default offerings and OS types from the first start', async () => {
      const so = (await user.ok('listServiceOfferings'))['serviceoffering'];
      assert.deepEqual(so.map((o: any) => [o.name, o.cpunumber, o.cpuspeed, o.memory]), [['Small Instance', 1, 500, 512], ['Medium Instance', 1, 1000, 1024]]);
      const sys = (await s.admin.ok('listServiceOfferings', { issystem: true, systemvmtype: 'domainrouter' }))['serviceoffering'];
      assert.equal(sys.length, 1);
      assert.equal(sys[0].name, 'System Offering For Software Router');
      assert.equal(sys[0].issystem, true);
      assert.equal(await code(user, 'listServiceOfferings', { issystem: true }), 531);
      const dofs = (await user.ok('listDiskOfferings'))['diskoffering'];
      assert.deepEqual(dofs.map((o: any) => [o.name, o.disksize, o.iscustomized]), [['Small', 5, false], ['Medium', 20, false], ['Large', 100, false], ['Custom', 0, true]]);
      const cats = (await user.ok('listOsCategories'))['oscategory'].map((c: any) => c.name);
      for (const c of ['CentOS', 'Ubuntu', 'Windows', 'Other']) assert.ok(cats.includes(c), c);
      const other64 = (await user.ok('listOsTypes', { description: 'Other (64-bit)' }))['ostype'];
      assert.equal(other64[0].name, 'Other (64-bit)');
      const win = (await user.ok('listOsTypes', { keyword: 'windows server 2008' }))['ostype'];
      assert.ok(win.length >= 2);
      const centos = (await s.admin.ok('listOsCategories', { name: 'CentOS' }))['oscategory'][0];
      const ctypes = (await user.ok('listOsTypes', { oscategoryid: centos.id }))['ostype'];
      assert.ok(ctypes.every((t: any) => t.oscategoryname === 'CentOS' && t.oscategoryid === centos.id));
    });

    it('creates offerings, scopes domain offerings, renames only', async () => {
      const o = (await s.admin.ok('createServiceOffering', { name: 'big', displaytext: 'Big one', cpunumber: 4, cpuspeed: 2000, memory: 4096, offerha: true, storagetype: 'local', tags: 'ssd', hosttags: 'fast', networkrate: 100, limitcpuuse: true }))['serviceoffering'];
      assert.deepEqual([o.cpunumber, o.cpuspeed, o.memory, o.offerha, o.storagetype, o.storagetags, o.hosttags, o.networkrate, o.limitcpuuse, o.issystem], [4, 2000, 4096, true, 'local', 'ssd', 'fast', 100, true, false]);
      const sales = (await s.admin.ok('createServiceOffering', { name: 'sales-only', cpunumber: 1, cpuspeed: 100, memory: 256, domainid: dom.id }))['serviceoffering'];
      assert.equal(sales.domainid, dom.id);
      const names = async (c: ApiClient) => ((await c.ok('listServiceOfferings'))['serviceoffering'] ?? []).map((x: any) => x.name);
      assert.ok((await names(user)).includes('sales-only'));
      assert.ok(!(await names(other)).includes('sales-only'));
      assert.equal(await code(user, 'createServiceOffering', { name: 'x' }), 432);
      assert.equal(await code(s.admin, 'createServiceOffering', { name: 'x', storagetype: 'floppy' }), 431);
      assert.equal(await code(s.admin, 'createServiceOffering', { name: 'x', systemvmtype: 'domainrouter' }), 431);
      const r = (await s.admin.ok('updateServiceOffering', { id: o.id, name: 'bigger', displaytext: 'Bigger', sortkey: -1 }))['serviceoffering'];
      assert.equal(r.name, 'bigger');
      assert.equal(r.cpunumber, 4);
      assert.equal((await s.admin.ok('listServiceOfferings'))['serviceoffering'][0].name, 'bigger');
      const sys = (await s.admin.ok('createServiceOffering', { name: 'router2', issystem: true, systemvmtype: 'domainrouter', cpunumber: 1, cpuspeed: 500, memory: 128 }))['serviceoffering'];
      assert.equal(sys.systemvmtype, 'domainrouter');
      const ev = (await s.admin.ok('listEvents', { type: 'SERVICE.OFFERING.CREATE' }))['event'];
      assert.ok(ev.length >= 3);
    });

    it('deletes an unused offering and retires one used by a VM', async () => {
      const o = (await s.admin.ok('createServiceOffering', { name: 'tmp', cpunumber: 1, cpuspeed: 100, memory: 128 }))['serviceoffering'];
      await s.admin.ok('deleteServiceOffering', { id: o.id });
      assert.equal(await code(s.admin, 'updateServiceOffering', { id: o.id, name: 'z' }), 431);
      const used = (await s.admin.ok('createServiceOffering', { name: 'used', cpunumber: 1, cpuspeed: 100, memory: 128 }))['serviceoffering'];
      const k = s.app.db.kysely;
      const row = await k.selectFrom('service_offerings').select('id').where('uuid', '=', used.id).executeTakeFirstOrThrow();
      await k.insertInto('vm_instances').values({
        uuid: '00000000-0000-4000-8000-00000000abcd', name: 'v', instance_name: 'i-2-1-VM', display_name: null, type: 'User', state: 'Running', account_id: 2, domain_id: 1, zone_id: 1,
        pod_id: null, cluster_id: null, host_id: null, last_host_id: null, service_offering_id: row.id, template_id: null, iso_id: null, guest_os_id: 1, ha_enabled: 0,
        user_data: null, ssh_keypair_id: null, password: null, update_count: 0, state_changed: Date.now(), created: Date.now(), removed: null,
      } as any).execute();
      await s.admin.ok('deleteServiceOffering', { id: used.id });
      const names = async (c: ApiClient, extra = {}) => ((await c.ok('listServiceOfferings', extra))['serviceoffering'] ?? []).map((x: any) => x.name);
      assert.ok(!(await names(user)).includes('used'));
      assert.ok(!(await names(s.admin)).includes('used'));
      const inactive = (await s.admin.ok('listServiceOfferings', { id: used.id, state: 'Inactive' }))['serviceoffering'];
      assert.equal(inactive[0].state, 'Inactive');
      const vmOpts = (await s.admin.ok('listServiceOfferings', { virtualmachineid: '00000000-0000-4000-8000-00000000abcd' }))['serviceoffering'];
      assert.ok(vmOpts.every((x: any) => x.id !== used.id && x.storagetype === 'shared'));
    });

    it('disk offerings: fixed and custom sizes, bounds, deletion', async () => {
      const f = (await s.admin.ok('createDiskOffering', { name: 'fifty', disksize: 50, tags: 'ssd', storagetype: 'local' }))['diskoffering'];
      assert.deepEqual([f.disksize, f.iscustomized, f.tags, f.storagetype], [50, false, 'ssd', 'local']);
      const c = (await s.admin.ok('createDiskOffering', { name: 'any', displaytext: 'Any size', customized: true }))['diskoffering'];
      assert.deepEqual([c.disksize, c.iscustomized], [0, true]);
      await s.admin.ok('updateConfiguration', { name: 'max.volume.size.gb', value: '100' });
      assert.equal(await code(s.admin, 'createDiskOffering', { name: 'huge', disksize: 101 }), 431);
      const row = await s.app.services.diskOfferings.get((await s.app.db.kysely.selectFrom('disk_offerings').select('id').where('uuid', '=', c.id).executeTakeFirstOrThrow()).id);
      assert.equal(await s.app.services.diskOfferings.volumeSize(row, 10), 10 * 1024 ** 3);
      await assert.rejects(s.app.services.diskOfferings.volumeSize(row, 101));
      await assert.rejects(s.app.services.diskOfferings.volumeSize(row, undefined));
      assert.equal((await s.admin.ok('updateDiskOffering', { id: f.id, name: 'fifty-gb' }))['diskoffering'].name, 'fifty-gb');
      await s.admin.ok('deleteDiskOffering', { id: f.id });
      assert.ok(!((await user.ok('listDiskOfferings'))['diskoffering']).some((x: any) => x.id === f.id));
      assert.equal(await code(user, 'deleteDiskOffering', { id: c.id }), 432);
      const ev = (await s.admin.ok('listEvents', { type: 'DISK.OFFERING.DELETE' }))['event'];
      assert.equal(ev.length, 1);
    });
  });
}
