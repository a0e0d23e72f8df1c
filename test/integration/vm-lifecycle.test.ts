/**
 * VM lifecycle over a real server on every database: deploy (startvm=false), the stopped-VM
 * operations, illegal operations, limits, events, host hiding, start failures releasing every
 * reservation, destroy/recover/expunge and the account cleanup hook.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vmDb } from '../../src/services/vms/contract.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';

for (const dialect of dialectsUnderTest()) {
  describe(`VM lifecycle on ${dialect}`, () => {
    let s: TestServer;
    let fx: VmFixtures;
    let user: ApiClient & { accountId: string; accountName: string };
    const ids: Record<string, string> = {};
    let zoneId = 0;
    let hostIds: number[] = [];

    before(async () => {
      s = await startServer(dialect);
      fx = new VmFixtures(s.app.db);
      await fx.init();
      const zone = (await s.admin.ok('createZone', { name: 'z', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      await s.admin.ok('updateZone', { id: zone.id, allocationstate: 'Enabled' });
      const pod = (await s.admin.ok('createPod', { name: 'p', zoneid: zone.id, gateway: '192.168.10.1', netmask: '255.255.255.0', startip: '192.168.10.100', endip: '192.168.10.150' }))['pod'];
      const cluster = (await s.admin.ok('addCluster', { clustername: 'c', zoneid: zone.id, podid: pod.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
      await s.admin.ok('createStoragePool', { name: 'sp', zoneid: zone.id, podid: pod.id, clusterid: cluster.id, url: `file://${mkdtempSync(join(tmpdir(), 'nimbo-pool-'))}` });
      const k = s.app.db.kysely;
      zoneId = (await k.selectFrom('zones').select('id').where('uuid', '=', zone.id).executeTakeFirstOrThrow()).id;
      const podId = (await k.selectFrom('pods').select('id').where('uuid', '=', pod.id).executeTakeFirstOrThrow()).id;
      const clusterId = (await k.selectFrom('clusters').select('id').where('uuid', '=', cluster.id).executeTakeFirstOrThrow()).id;
      await k.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
      hostIds = [await fx.host({ zone_id: zoneId, pod_id: podId, cluster_id: clusterId }), await fx.host({ zone_id: zoneId, pod_id: podId, cluster_id: clusterId })];
      ids['zone'] = zone.id;
      ids['so'] = (await fx.serviceOffering()).uuid;
      ids['so2'] = (await fx.serviceOffering({ cpu_number: 2, ram_size: 1024 })).uuid;
      ids['huge'] = (await fx.serviceOffering({ cpu_number: 4, cpu_speed: 2000 })).uuid;
      ids['do'] = (await fx.diskOffering()).uuid;
      ids['tpl'] = (await fx.template(zoneId)).uuid;
      ids['pwtpl'] = (await fx.template(zoneId, { password_enabled: 1 })).uuid;
      user = await s.newAccount();
    });
    after(async () => s.close());

    const deploy = (c: ApiClient, extra: Record<string, string | number | boolean> = {}) =>
      c.jobOk('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, startvm: false, ...extra });
    const events = async (type: string) => (await s.admin.ok('listEvents', { type, listall: true }))['event'] ?? [];
    const hostsAllocated = async () => (await vmDb(s.app.db.kysely).selectFrom('hosts').select(['cpu_allocated', 'memory_allocated']).execute()).map((h) => [Number(h.cpu_allocated), Number(h.memory_allocated)]);

    it('deploys with startvm=false: Stopped, CloudStack names, nic [] and no host', async () => {
      const vm = (await deploy(user, { name: 'web-1', displayname: 'Web one', group: 'web', diskofferingid: ids['do']! }))['virtualmachine'];
      assert.equal(vm.state, 'Stopped');
      assert.equal(vm.name, 'web-1');
      assert.equal(vm.displayname, 'Web one');
      assert.equal(vm.group, 'web');
      assert.deepEqual(vm.nic, []);
      assert.deepEqual(vm.securitygroup, []);
      assert.deepEqual(vm.affinitygroup, []);
      assert.deepEqual(vm.tags, []);
      assert.equal(vm.hostid, undefined);
      assert.equal(vm.instancename, undefined, 'users do not see the instance name');
      const adminView = (await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0];
      assert.match(adminView.instancename, /^i-\d+-\d+-VM$/);
      const vols = await s.app.db.kysely.selectFrom('volumes').selectAll().where('vm_id', '=', (await s.app.db.kysely.selectFrom('vm_instances').select('id').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).id).execute();
      assert.deepEqual(vols.map((v) => [v.volume_type, v.state]), [['ROOT', 'Allocated'], ['DATADISK', 'Allocated']]);
      assert.ok((await events('VM.CREATE')).some((e: any) => e.state === 'Completed'));
      ids['vm'] = vm.id;
    });

    it('names a VM VM-<uuid> by default and refuses non-RFC 1123 names', async () => {
      const vm = (await deploy(user))['virtualmachine'];
      assert.equal(vm.name, `VM-${vm.id}`);
      const bad = await user.call('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, startvm: false, name: '1bad_name' });
      assert.equal(bad.status, 431);
      await user.jobOk('destroyVirtualMachine', { id: vm.id });
    });

    it('refuses admin-only targets from users, and bad user data', async () => {
      const r = await user.call('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, hostid: (await vmDb(s.app.db.kysely).selectFrom('hosts').select('uuid').executeTakeFirstOrThrow()).uuid });
      assert.equal(r.status, 531);
      const u = await user.call('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, startvm: false, userdata: 'not base64!' });
      assert.equal(u.status, 431);
    });

    it('illegal operations get a clear error and change nothing', async () => {
      for (const cmd of ['rebootVirtualMachine', 'migrateVirtualMachine']) {
        const j = cmd === 'migrateVirtualMachine'
          ? await s.admin.job(cmd, { virtualmachineid: ids['vm']!, hostid: (await vmDb(s.app.db.kysely).selectFrom('hosts').select('uuid').executeTakeFirstOrThrow()).uuid })
          : await user.job(cmd, { id: ids['vm']! });
        assert.equal(j['jobstatus'], 2, cmd);
        assert.match(j['jobresult'].errortext, /state Stopped/);
      }
      const rec = await s.admin.call('recoverVirtualMachine', { id: ids['vm']! });
      assert.equal(rec.status, 431);
      const ex = await s.admin.call('expungeVirtualMachine', { id: ids['vm']! });
      assert.equal(ex.status, 431);
      assert.equal((await user.ok('listVirtualMachines', { id: ids['vm']! }))['virtualmachine'][0].state, 'Stopped');
    });

    it('updates name, display name, group and HA (VM.ENABLEHA / VM.DISABLEHA)', async () => {
      const vm = (await user.ok('updateVirtualMachine', { id: ids['vm']!, name: 'web-2', displayname: 'Web two', haenable: true, group: 'front' }))['virtualmachine'];
      assert.deepEqual([vm.name, vm.displayname, vm.haenable, vm.group], ['web-2', 'Web two', true, 'front']);
      await user.ok('updateVirtualMachine', { id: ids['vm']!, haenable: false });
      assert.equal((await events('VM.ENABLEHA')).length, 1);
      assert.equal((await events('VM.DISABLEHA')).length, 1);
    });

    it('changes the offering of a stopped VM (VM.UPGRADE)', async () => {
      const vm = (await user.ok('changeServiceForVirtualMachine', { id: ids['vm']!, serviceofferingid: ids['so2']! }))['virtualmachine'];
      assert.equal(vm.cpunumber, 2);
      assert.equal(vm.memory, 1024);
      assert.equal((await events('VM.UPGRADE')).length, 1);
    });

    it('passwords only for password-enabled templates', async () => {
      const j = await user.job('resetPasswordForVirtualMachine', { id: ids['vm']! });
      assert.equal(j['jobstatus'], 2);
      const vm = (await deploy(user, { templateid: ids['pwtpl']! }))['virtualmachine'];
      const r = (await user.jobOk('resetPasswordForVirtualMachine', { id: vm.id }))['virtualmachine'];
      assert.equal(typeof r.password, 'string');
      assert.equal((await user.ok('getVMPassword', { id: vm.id }))['password'].encryptedpassword, r.password);
      await user.jobOk('destroyVirtualMachine', { id: vm.id });
    });

    it('a start that cannot place the VM gets the 533 tally and releases everything', async () => {
      const vm = (await deploy(s.admin, { serviceofferingid: ids['huge']! }))['virtualmachine'];
      const j = await s.admin.job('startVirtualMachine', { id: vm.id });
      assert.equal(j['jobstatus'], 2);
      assert.equal(j['jobresult'].errorcode, 533);
      assert.match(j['jobresult'].errortext, /2 host\(s\) considered; removed by filter: cpu 2/);
      assert.equal((await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Stopped');
      assert.deepEqual(await hostsAllocated(), [[0, 0], [0, 0]]);
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('a start whose host cannot be reached retries on every host, then falls back with capacity released', async () => {
      const j = await user.job('startVirtualMachine', { id: ids['vm']! });
      assert.equal(j['jobstatus'], 2);
      assert.equal((await user.ok('listVirtualMachines', { id: ids['vm']! }))['virtualmachine'][0].state, 'Stopped');
      assert.deepEqual(await hostsAllocated(), [[0, 0], [0, 0]]);
      const pool = await s.app.db.kysely.selectFrom('storage_pools').select('allocated_bytes').executeTakeFirstOrThrow();
      assert.equal(Number(pool.allocated_bytes), 0);
    });

    it('destroy → recover → destroy with expunge, counts back to zero', async () => {
      const d = (await user.jobOk('destroyVirtualMachine', { id: ids['vm']! }))['virtualmachine'];
      assert.equal(d.state, 'Destroyed');
      const again = await user.job('destroyVirtualMachine', { id: ids['vm']! });
      assert.equal(again['jobstatus'], 2);
      assert.equal((await s.admin.ok('recoverVirtualMachine', { id: ids['vm']! }))['virtualmachine'].state, 'Stopped');
      await s.admin.jobOk('destroyVirtualMachine', { id: ids['vm']!, expunge: true });
      assert.equal((await user.call('listVirtualMachines', { id: ids['vm']! })).inner['virtualmachine'], undefined);
      assert.equal((await events('VM.EXPUNGE')).length >= 1, true);
      // The VMs destroyed earlier stay listed as Destroyed until expunged.
      const destroyed = (await user.ok('listVirtualMachines', {}))['virtualmachine'] ?? [];
      assert.ok(destroyed.length > 0 && destroyed.every((v: any) => v.state === 'Destroyed'));
      for (const v of destroyed) await s.admin.jobOk('expungeVirtualMachine', { id: v.id });
      // Data disks outlive their VM (detached, still counted) until deleted.
      const data = (await user.ok('listVolumes', { type: 'DATADISK' }))['volume'] ?? [];
      assert.ok(data.every((v: any) => !('virtualmachineid' in v)));
      for (const v of data) await user.ok('deleteVolume', { id: v.id });
      const acct = (await s.admin.ok('listAccounts', { name: user.accountName, listall: true }))['account'][0];
      assert.equal(Number(acct.vmtotal), 0);
      assert.equal(Number(acct.volumetotal), 0);
    });

    it('a deploy is refused by the limit of its account, its domain and its grandparent domain, each alone', async () => {
      const d1 = (await s.admin.ok('createDomain', { name: `lim-d1-${Date.now() % 100000}` }))['domain'];
      const d2 = (await s.admin.ok('createDomain', { name: 'lim-d2', parentdomainid: d1.id }))['domain'];
      const tenant = await s.newAccount({ domainid: d2.id });
      const first = (await deploy(tenant))['virtualmachine'];
      const levels: Array<[string, Record<string, string>, RegExp]> = [
        ['account', { account: tenant.accountName, domainid: d2.id }, new RegExp(`account name=${tenant.accountName}`)],
        ['domain', { domainid: d2.id }, new RegExp(`domain id=${d2.id}`)],
        ['grandparent domain', { domainid: d1.id }, new RegExp(`domain id=${d1.id}`)],
      ];
      for (const [what, owner, says] of levels) {
        // Instances (type 0) capped at the one VM the account already has, at this level only.
        await s.admin.ok('updateResourceLimit', { resourcetype: 0, max: 1, ...owner });
        // Checked in the request, before any job or row exists: CloudStack's 532.
        const r = await tenant.call('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, startvm: false });
        assert.equal(r.status, 532, `${what} limit blocks`);
        assert.equal(r.inner['errorcode'], 532);
        assert.match(String(r.inner['errortext']), says);
        assert.equal(((await tenant.ok('listVirtualMachines', {}))['virtualmachine'] ?? []).length, 1, 'nothing was created');
        await s.admin.ok('updateResourceLimit', { resourcetype: 0, max: -1, ...owner });
      }
      // With every level unlimited again the same deploy goes through, and the counts walk up the tree.
      const second = (await deploy(tenant))['virtualmachine'];
      const dom = async (id: string) => Number((await s.admin.ok('listDomains', { id }))['domain'][0].vmtotal);
      assert.deepEqual([await dom(d2.id), await dom(d1.id)], [2, 2]);
      for (const v of [first, second]) await s.admin.jobOk('destroyVirtualMachine', { id: v.id, expunge: true });
      assert.deepEqual([await dom(d2.id), await dom(d1.id)], [0, 0]);
    });

    it('deleting an account expunges its VMs and volumes', async () => {
      const other = await s.newAccount();
      await deploy(other);
      await deploy(other);
      await s.admin.jobOk('deleteAccount', { id: other.accountId });
      const left = await s.app.db.kysely.selectFrom('vm_instances').innerJoin('accounts', 'accounts.id', 'vm_instances.account_id')
        .select('vm_instances.id').where('accounts.uuid', '=', other.accountId).where('vm_instances.removed', 'is', null).execute();
      assert.equal(left.length, 0);
    });
  });
}
