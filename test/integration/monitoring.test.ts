/**
 * Host and VM statistics from real simulator agents (issue #9, monitoring): the collector asks
 * every connected agent each `vm.stats.interval` and the API shows what they reported —
 * listVirtualMachines details=stats, listHosts, listVirtualMachinesMetrics, listHostsMetrics,
 * listVolumesMetrics, listVirtualMachinesUsageHistory — to owners and admins only; samples older
 * than `vm.stats.max.retention.time` minutes are deleted by the collector's scheduler.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until } from '../helpers/ha-cloud.js';
import { simulatedVmStats } from '../../src/drivers/simulator/simulator-driver.js';

/** What the simulator may report for a running VM (its load moves over five samples). */
function possible(instanceName: string, memoryMiB: number, field: 'cpuUsedPercent' | 'networkReadKiB' | 'diskWriteKiB' | 'diskReadIOs'): number[] {
  return [0, 1, 2, 3, 4].map((k) => simulatedVmStats(instanceName, memoryMiB, true, k)[field]!);
}

for (const dialect of dialectsUnderTest()) {
  describe(`monitoring: host and VM statistics (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let tenant: Awaited<ReturnType<TestServer['newAccount']>>;
    let mine: Record<string, any>;
    let adminVm: Record<string, any>;

    before(async () => {
      s = await startServer(dialect);
      cloud = new HaCloud(s);
      await cloud.init();
      await cloud.addAgent(2);
      tenant = await s.newAccount();
      mine = (await tenant.jobOk('deployVirtualMachine', { zoneid: cloud.zone, serviceofferingid: cloud.so, templateid: cloud.tpl }))['virtualmachine'];
      adminVm = (await cloud.deploy())['virtualmachine'];
      await cloud.deploy();
      await s.admin.ok('updateConfiguration', { name: 'vm.stats.interval', value: '300' });
      await until('the collector has sampled every VM twice', async () => {
        const rows = await s.app.db.kysely.selectFrom('vm_stats').select(['vm_id']).execute();
        const per = new Map<number, number>();
        for (const r of rows) per.set(r.vm_id, (per.get(r.vm_id) ?? 0) + 1);
        return per.size === 3 && [...per.values()].every((n) => n >= 2);
      }, 60_000);
    });

    after(async () => {
      await cloud?.close();
      await s?.close();
    });

    it('listVirtualMachines details=stats shows what the agent reported; details without stats omits it; the default follows list.vm.default.details.stats', async () => {
      const vm = (await tenant.ok('listVirtualMachines', { id: mine['id'], details: 'stats' }))['virtualmachine'][0];
      const row = await s.app.db.kysely.selectFrom('vm_instances').select(['instance_name', 'id']).where('uuid', '=', mine['id']).executeTakeFirstOrThrow();
      const mem = Number(vm['memory']);
      assert.ok(possible(row.instance_name, mem, 'cpuUsedPercent').map((c) => `${c}%`).includes(vm['cpuused']), `cpuused ${vm['cpuused']}`);
      assert.ok(possible(row.instance_name, mem, 'networkReadKiB').includes(vm['networkkbsread']), `networkkbsread ${vm['networkkbsread']}`);
      assert.ok(possible(row.instance_name, mem, 'diskWriteKiB').includes(vm['diskkbswrite']));
      assert.ok(possible(row.instance_name, mem, 'diskReadIOs').includes(vm['diskioread']));
      assert.equal(vm['memorykbs'], mem * 1024);
      assert.equal(vm['memorytargetkbs'], mem * 1024);
      for (const f of ['networkkbswrite', 'diskkbsread', 'diskiowrite', 'memoryintfreekbs']) assert.equal(typeof vm[f], 'number', f);

      const nics = (await tenant.ok('listVirtualMachines', { id: mine['id'], details: 'nics' }))['virtualmachine'][0];
      assert.equal(nics['cpuused'], undefined);
      assert.equal((await tenant.ok('listVirtualMachines', { id: mine['id'] }))['virtualmachine'][0]['cpuused'] !== undefined, true);
      await s.admin.ok('updateConfiguration', { name: 'list.vm.default.details.stats', value: 'false' });
      assert.equal((await tenant.ok('listVirtualMachines', { id: mine['id'] }))['virtualmachine'][0]['cpuused'], undefined);
      await s.admin.ok('updateConfiguration', { name: 'list.vm.default.details.stats', value: 'true' });
    });

    it('listHosts shows each host\'s measured CPU, memory and network use', async () => {
      const hosts = (await s.admin.ok('listHosts', { clusterid: cloud.cluster }))['host'] as Array<Record<string, any>>;
      assert.equal(hosts.length, 2);
      for (const h of hosts) {
        const vms = (await s.admin.ok('listVirtualMachines', { hostid: h['id'], listall: true }))['virtualmachine'] ?? [];
        const vmMem = vms.reduce((a: number, v: Record<string, any>) => a + Number(v['memory']) * 1024 ** 2, 0);
        assert.equal(h['memoryused'], vmMem + 512 * 1024 ** 2, 'the VMs\' memory plus the simulated hypervisor\'s 512 MiB');
        assert.match(h['cpuused'], /^\d+(\.\d+)?%$/);
        assert.equal(typeof h['networkkbsread'], 'number');
        assert.equal(typeof h['cpuloadaverage'], 'number');
        if (vms.length) assert.ok(Number(h['cpuused'].slice(0, -1)) > 0);
      }
    });

    it('listVirtualMachinesMetrics: totals in GHz/GiB/MiB for owners; a tenant sees only its own VMs', async () => {
      const own = (await tenant.ok('listVirtualMachinesMetrics', {}))['virtualmachine'] as Array<Record<string, any>>;
      assert.deepEqual(own.map((v) => v['id']), [mine['id']]);
      const v = own[0]!;
      assert.equal(v['cputotal'], `${((Number(v['cpunumber']) * Number(v['cpuspeed'])) / 1000).toFixed(1)} Ghz`);
      assert.equal(v['memorytotal'], `${(Number(v['memory']) / 1024).toFixed(2)} GB`);
      assert.equal(v['networkread'], `${(v['networkkbsread'] / 1024).toFixed(2)} MB`);
      assert.equal(v['diskwrite'], `${(v['diskkbswrite'] / 1024).toFixed(2)} MB`);
      assert.equal(v['diskiopstotal'], v['diskioread'] + v['diskiowrite']);
      const all = (await s.admin.ok('listVirtualMachinesMetrics', { listall: true }))['virtualmachine'] as Array<Record<string, any>>;
      assert.equal(all.length, 3);
      assert.ok(all.every((x) => typeof x['cpuused'] === 'string'));
      // Another tenant cannot name the VM.
      const other = await s.newAccount();
      const r = await other.call('listVirtualMachinesMetrics', { id: mine['id'] });
      assert.ok(r.status !== 200 || !(r.inner as any)?.virtualmachine, 'a stranger sees no VM of another account');
    });

    it('listHostsMetrics: instances, GHz/GiB figures and thresholds; root admins only', async () => {
      const hosts = (await s.admin.ok('listHostsMetrics', { clusterid: cloud.cluster }))['host'] as Array<Record<string, any>>;
      assert.equal(hosts.length, 2);
      let running = 0;
      for (const h of hosts) {
        const [up, total] = String(h['instances']).split(' / ').map(Number);
        assert.equal(up, total);
        running += up!;
        assert.equal(h['cputotalghz'], `${((h['cpunumber'] * h['cpuspeed']) / 1000).toFixed(2)} Ghz`);
        assert.equal(h['cpuusedghz'], `${((Number(h['cpuused'].slice(0, -1)) / 100) * h['cpunumber'] * h['cpuspeed'] / 1000).toFixed(2)} Ghz`);
        assert.equal(h['memoryusedgb'], `${(h['memoryused'] / 1024 ** 3).toFixed(2)} GB`);
        assert.equal(h['memorytotalgb'], `${(h['memorytotal'] / 1024 ** 3).toFixed(2)} GB`);
        assert.equal(h['cputhreshold'], false);
        assert.equal(h['memoryallocatedthreshold'], false);
      }
      assert.equal(running, 3);
      // A per-cluster threshold of 0 makes every host with a VM cross it.
      await s.admin.ok('updateConfiguration', { name: 'cluster.memory.allocated.capacity.notificationthreshold', value: '0', clusterid: cloud.cluster });
      const again = (await s.admin.ok('listHostsMetrics', { clusterid: cloud.cluster }))['host'] as Array<Record<string, any>>;
      assert.ok(again.every((h) => h['memorythreshold'] === true));
      const r = await tenant.call('listHostsMetrics', {});
      assert.notEqual(r.status, 200);
    });

    it('listVolumesMetrics answers under listvolumesresponse with sizegb', async () => {
      const r = await tenant.call('listVolumesMetrics', {});
      assert.equal(r.status, 200);
      assert.ok('listvolumesresponse' in r.body, 'CloudStack\'s key for listVolumesMetrics');
      const vols = (r.inner as any)['volume'] as Array<Record<string, any>>;
      assert.equal(vols.length, 1);
      assert.equal(vols[0]!['sizegb'], `${(vols[0]!['size'] / 1024 ** 3).toFixed(2)} GB`);
    });

    it('listVirtualMachinesUsageHistory lists the kept samples oldest first, bounded by startdate/enddate', async () => {
      const h = (await tenant.ok('listVirtualMachinesUsageHistory', {}))['virtualmachine'] as Array<Record<string, any>>;
      assert.deepEqual(h.map((v) => v['id']), [mine['id']]);
      const stats = h[0]!['stats'] as Array<Record<string, any>>;
      assert.ok(stats.length >= 2);
      const times = stats.map((x) => Date.parse(String(x['timestamp']).replace('+0000', 'Z')));
      assert.deepEqual([...times].sort((a, b) => a - b), times);
      assert.match(stats[0]!['cpuused'], /%$/);
      const future = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
      const none = (await tenant.ok('listVirtualMachinesUsageHistory', { id: mine['id'], startdate: future }))['virtualmachine'][0];
      assert.deepEqual(none['stats'], []);
      // An admin's listing covers every VM (root admin) — the tenant's and the admin's.
      const all = (await s.admin.ok('listVirtualMachinesUsageHistory', {}))['virtualmachine'] as Array<Record<string, any>>;
      assert.ok(all.some((v) => v['id'] === adminVm['id']) && all.some((v) => v['id'] === mine['id']));
    });

    it('samples older than vm.stats.max.retention.time are pruned by the scheduler; 0 keeps them', async () => {
      const vmId = (await s.app.db.kysely.selectFrom('vm_instances').select('id').where('uuid', '=', mine['id']).executeTakeFirstOrThrow()).id;
      const old = Date.now() - 30 * 60_000;
      const sample = { vm_id: vmId, host_id: 0, cpu_used: 100, memory_kbs: 1, memory_int_free_kbs: null, memory_target_kbs: null, network_read_kbs: 0, network_write_kbs: 0, disk_read_kbs: 0, disk_write_kbs: 0, disk_read_ios: null, disk_write_ios: null };
      await s.admin.ok('updateConfiguration', { name: 'vm.stats.max.retention.time', value: '0' });
      await s.app.db.kysely.insertInto('vm_stats').values([{ ...sample, timestamp: old }, { ...sample, timestamp: old + 1 }]).execute();
      assert.equal(await s.app.services.stats.collector.prune(), 0, 'retention 0 disables the cleanup');
      await s.admin.ok('updateConfiguration', { name: 'vm.stats.max.retention.time', value: '10' });
      await until('the scheduler pruned the samples older than 10 minutes', async () => {
        const r = await s.app.db.kysely.selectFrom('vm_stats').select((eb) => eb.fn.countAll<number>().as('n')).where('timestamp', '<', Date.now() - 10 * 60_000).executeTakeFirstOrThrow();
        return Number(r.n) === 0;
      }, 30_000);
      const recent = await s.app.db.kysely.selectFrom('vm_stats').select((eb) => eb.fn.countAll<number>().as('n')).where('vm_id', '=', vmId).executeTakeFirstOrThrow();
      assert.ok(Number(recent.n) >= 2, 'recent samples are kept');
    });

    it('a host whose agent does not answer GetStats is skipped and the others are still written', async () => {
      const hostIds = s.app.services.agents.connectedHostIds();
      const bad = hostIds[0]!;
      const hostUuid = (await s.app.db.kysely.selectFrom('hosts').select('uuid').where('id', '=', bad).executeTakeFirstOrThrow()).uuid;
      await s.admin.ok('configureSimulator', { zoneid: cloud.zone, hostid: hostUuid, name: 'GetHostStatsCommand', value: 'result:fail' });
      await until('a round that skipped the failing host', async () => {
        const r = await s.app.services.stats.collector.collect();
        return r.failed === 1 && r.hosts === hostIds.length - 1 && r;
      });
    });
  });
}
