/**
 * VMs on real `nimbo agent` child processes (simulator driver): deploy to Running, stop,
 * start, reboot, retry elsewhere after an injected start failure, the vertical/horizontal
 * presets, and destroy with expunge.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';
import { SYSTEM_CALLER } from '../../src/services/vms/area.js';
import { agentSend } from '../../src/services/vms/agent-port.js';
import { until as waitUntil } from '../helpers/until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => waitUntil(what, f, ms, 100);

for (const dialect of dialectsUnderTest()) {
  describe(`VMs on simulator agents (${dialect})`, () => {
    let s: TestServer;
    const children: ChildProcess[] = [];
    const dirs: string[] = [];
    const ids: Record<string, string> = {};
    let hosts: string[] = [];
    const TOKEN = 'vm-test-token';
    let fx: VmFixtures;
    let zoneId = 0;

    before(async () => {
      s = await startServer(dialect);
      fx = new VmFixtures(s.app.db);
      await fx.init();
      const z = (await s.admin.ok('createZone', { name: 'z1', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
      const p = (await s.admin.ok('createPod', { name: 'p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
      const c = (await s.admin.ok('addCluster', { clustername: 'c1', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
      const poolDir = mkdtempSync(join(tmpdir(), 'nimbo-pool-'));
      dirs.push(poolDir);
      await s.admin.ok('createStoragePool', { name: 'sp', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${poolDir}` });
      await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
      for (let i = 0; i < 2; i++) {
        await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c.id, url: `http://sim/c0/h${i}`, hypervisor: 'Simulator', username: 'root', password: TOKEN });
      }
      const dataDir = mkdtempSync(join(tmpdir(), 'nimbo-agent-'));
      dirs.push(dataDir);
      const child = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--data-dir', dataDir, '--hosts', '2', '--cpus', '4', '--cpu-speed', '1000', '--memory', '4096'], {
        env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      const up = await until('two hosts Up', async () => {
        const r = await s.admin.ok('listHosts', { state: 'Up' });
        return r['count'] === 2 ? r['host'] : undefined;
      });
      hosts = up.map((h: any) => h.id).sort();
      zoneId = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
      ids['zone'] = z.id;
      ids['so'] = (await fx.serviceOffering()).uuid;
      ids['tpl'] = (await fx.template(zoneId)).uuid;
    });

    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      await s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    const deploy = (extra: Record<string, string | boolean> = {}) =>
      s.admin.jobOk('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, ...extra });
    const hostRow = async (uuid: string) => s.app.db.kysely.selectFrom('hosts').select(['id', 'cpu_allocated', 'memory_allocated']).where('uuid', '=', uuid).executeTakeFirstOrThrow();

    it('deploys to Running; stop, start, reboot; capacity follows the VM', async () => {
      const vm = (await deploy())['virtualmachine'];
      assert.equal(vm.state, 'Running');
      assert.ok(hosts.includes(vm.hostid));
      assert.equal(Number((await hostRow(vm.hostid)).cpu_allocated), 500);
      const stopped = (await s.admin.jobOk('stopVirtualMachine', { id: vm.id }))['virtualmachine'];
      assert.equal(stopped.state, 'Stopped');
      assert.equal(stopped.hostid, undefined);
      assert.equal(Number((await hostRow(vm.hostid)).cpu_allocated), 0);
      assert.equal((await s.admin.jobOk('startVirtualMachine', { id: vm.id }))['virtualmachine'].state, 'Running');
      assert.equal((await s.admin.jobOk('rebootVirtualMachine', { id: vm.id }))['virtualmachine'].state, 'Running');
      const d = (await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true }))['virtualmachine'];
      assert.ok(d);
      for (const h of hosts) assert.equal(Number((await hostRow(h)).cpu_allocated), 0);
    });

    it('retries on another host after an injected start failure', async () => {
      await s.admin.ok('updateConfiguration', { name: 'vm.allocation.algorithm', value: 'firstfit' });
      const first = hosts.slice().sort((a, b) => a.localeCompare(b));
      const rows = await Promise.all(first.map(hostRow));
      const lowest = first[rows[0]!.id < rows[1]!.id ? 0 : 1]!;
      const other = first.find((h) => h !== lowest)!;
      await s.admin.ok('configureSimulator', { name: 'StartCommand', value: 'result:fail', hostid: lowest, count: 1 });
      const vm = (await deploy())['virtualmachine'];
      assert.equal(vm.state, 'Running');
      assert.equal(vm.hostid, other);
      assert.equal(Number((await hostRow(lowest)).cpu_allocated), 0, 'the failed host got its capacity back');
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('reconciles a state report: stale ones are ignored, a stopped Running VM is marked Stopped', async () => {
      const vm = (await deploy())['virtualmachine'];
      const row = await s.app.db.kysely.selectFrom('vm_instances').select(['instance_name', 'host_id', 'state_changed']).where('uuid', '=', vm.id).executeTakeFirstOrThrow();
      const ops = s.app.services.vms.ops;
      const report = { hostId: row.host_id!, instanceName: row.instance_name, state: 'Stopped' };
      assert.equal(await ops.reconcile(SYSTEM_CALLER, { ...report, at: Number(row.state_changed) - 1 }), false, 'older than the last transition');
      assert.equal((await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Running');
      assert.equal(await ops.reconcile(SYSTEM_CALLER, { ...report, at: Date.now() + 1 }), true);
      assert.equal((await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Stopped');
      assert.equal(Number((await hostRow(vm.hostid)).cpu_allocated), 0);
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('vertical packs, horizontal spreads', async () => {
      await s.admin.ok('updateConfiguration', { name: 'vm.allocation.algorithm', value: 'vertical' });
      const a = (await deploy())['virtualmachine'];
      const b = (await deploy())['virtualmachine'];
      assert.equal(a.hostid, b.hostid);
      await s.admin.ok('updateConfiguration', { name: 'vm.allocation.algorithm', value: 'horizontal' });
      const c = (await deploy())['virtualmachine'];
      assert.notEqual(c.hostid, a.hostid);
      for (const v of [a, b, c]) await s.admin.jobOk('destroyVirtualMachine', { id: v.id, expunge: true });
    });

    /** What the simulator agent holds for a VM (its state report carries the CD-ROM's ISO). */
    const agentVm = async (hostUuid: string, vmUuid: string) => {
      const name = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', vmUuid).executeTakeFirstOrThrow()).instance_name;
      const r = await agentSend(s.app.services, (await hostRow(hostUuid)).id, { type: 'GetVmStates' });
      return (r['vms'] as Array<{ instanceName: string; state: string; isoPath?: string }>).find((v) => v.instanceName === name);
    };

    it('attachIso hands the agent the ISO\'s path on secondary storage; detachIso empties the CD-ROM', async () => {
      const iso = await fx.template(zoneId, { is_iso: 1, format: 'ISO', hypervisor_type: 'None' });
      const path = (await s.app.db.kysely.selectFrom('template_store_refs').select('install_path').where('template_id', '=', iso.id).executeTakeFirstOrThrow()).install_path;
      const vm = (await deploy())['virtualmachine'];
      assert.equal((await agentVm(vm.hostid, vm.id))?.isoPath, undefined);
      const attached = (await s.admin.jobOk('attachIso', { id: iso.uuid, virtualmachineid: vm.id }))['virtualmachine'];
      assert.equal(attached.isoid, iso.uuid);
      assert.equal((await agentVm(vm.hostid, vm.id))?.isoPath, path);
      await s.admin.jobOk('detachIso', { virtualmachineid: vm.id });
      assert.equal((await agentVm(vm.hostid, vm.id))?.isoPath, undefined);

      // An ISO with no copy in the VM's zone cannot be mounted: refused, nothing recorded.
      const elsewhere = await fx.template(zoneId, { is_iso: 1, format: 'ISO', hypervisor_type: 'None' });
      await s.app.db.kysely.updateTable('template_store_refs').set({ download_state: 'DOWNLOAD_IN_PROGRESS' }).where('template_id', '=', elsewhere.id).execute();
      const refused = await s.admin.job('attachIso', { id: elsewhere.uuid, virtualmachineid: vm.id });
      assert.equal(refused['jobstatus'], 2);
      assert.match(refused['jobresult'].errortext, /not ready/);
      assert.equal((await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].isoid, undefined);

      // Attached while stopped, the ISO comes with the next start.
      await s.admin.jobOk('stopVirtualMachine', { id: vm.id });
      await s.admin.jobOk('attachIso', { id: iso.uuid, virtualmachineid: vm.id });
      const started = (await s.admin.jobOk('startVirtualMachine', { id: vm.id }))['virtualmachine'];
      assert.equal((await agentVm(started.hostid, vm.id))?.isoPath, path);
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('migrateVirtualMachine moves a running VM live within its cluster, with the capacity; refuses a full host and illegal states', async () => {
      const vm = (await deploy())['virtualmachine'];
      const other = hosts.find((h) => h !== vm.hostid)!;
      const before = { src: await hostRow(vm.hostid), dst: await hostRow(other) };
      const done = await s.admin.job('migrateVirtualMachine', { virtualmachineid: vm.id, hostid: other });
      assert.equal(done['jobstatus'], 1, JSON.stringify(done['jobresult']));
      assert.equal(done['jobprocstatus'], 100, 'the source agent reported the memory sent, relayed to the job');
      const moved = done['jobresult']['virtualmachine'];
      assert.equal(moved.state, 'Running');
      assert.equal(moved.hostid, other);
      assert.equal((await agentVm(other, vm.id))?.state, 'Running', 'the VM runs on the destination agent');
      assert.equal(await agentVm(vm.hostid, vm.id), undefined, 'and no longer on the source');
      assert.equal(Number((await hostRow(other)).cpu_allocated), Number(before.dst.cpu_allocated) + 500);
      assert.equal(Number((await hostRow(vm.hostid)).cpu_allocated), Number(before.src.cpu_allocated) - 500);
      const ev = await s.admin.ok('listEvents', { type: 'VM.MIGRATE', listall: true });
      assert.ok(ev['event'].some((e: any) => e.description.includes('Migrating VM')));

      // The destination has no room: refused, the VM stays where it is, nothing reserved.
      await s.app.db.kysely.updateTable('hosts').set({ cpu_allocated: 4000 }).where('uuid', '=', vm.hostid).execute();
      const full = await s.admin.job('migrateVirtualMachine', { virtualmachineid: vm.id, hostid: vm.hostid });
      assert.equal(full['jobstatus'], 2);
      assert.equal(full['jobresult'].errorcode, 533);
      assert.equal(Number((await hostRow(vm.hostid)).cpu_allocated), 4000);
      await s.app.db.kysely.updateTable('hosts').set({ cpu_allocated: Number(before.src.cpu_allocated) - 500 }).where('uuid', '=', vm.hostid).execute();
      const still = (await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0];
      assert.deepEqual([still.state, still.hostid], ['Running', other]);

      // Illegal: to the host it runs on; a stopped VM; and (as a user) not at all.
      const same = await s.admin.job('migrateVirtualMachine', { virtualmachineid: vm.id, hostid: other });
      assert.equal(same['jobstatus'], 2);
      await s.admin.jobOk('stopVirtualMachine', { id: vm.id });
      const stopped = await s.admin.job('migrateVirtualMachine', { virtualmachineid: vm.id, hostid: vm.hostid });
      assert.equal(stopped['jobstatus'], 2);
      assert.equal((await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Stopped');
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });

    it('reads cpu/mem.overprovisioning.factor per cluster and storage.overprovisioning.factor per pool', async () => {
      const cluster = (await s.admin.ok('listClusters', {}))['cluster'][0].id;
      const pool = (await s.admin.ok('listStoragePools', {}))['storagepool'][0];
      // Each host has 4 × 1000 MHz and 4096 MiB: at factor 1 one of these fills a host.
      const shapes = {
        'cpu.overprovisioning.factor': await fx.serviceOffering({ cpu_number: 4, cpu_speed: 1000, ram_size: 128 }),
        'mem.overprovisioning.factor': await fx.serviceOffering({ cpu_number: 1, cpu_speed: 100, ram_size: 4096 }),
      };
      for (const [setting, so] of Object.entries(shapes)) {
        const made: string[] = [];
        const put = async () => {
          const j = await s.admin.job('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: so.uuid, templateid: ids['tpl']! });
          if (j['jobstatus'] === 1) made.push(j['jobresult'].virtualmachine.id);
          else await s.admin.ok('expungeVirtualMachine', { id: j['jobinstanceid'] }).catch(() => undefined);
          return j;
        };
        assert.equal((await put())['jobstatus'], 1);
        assert.equal((await put())['jobstatus'], 1);
        const full = await put();
        assert.equal(full['jobstatus'], 2, `${setting} 1: two hosts hold two`);
        assert.equal(full['jobresult'].errorcode, 533);
        await s.admin.ok('updateConfiguration', { name: setting, value: '2', clusterid: cluster });
        assert.equal((await put())['jobstatus'], 1, `${setting} 2 on the cluster: room for a second VM per host`);
        assert.equal((await put())['jobstatus'], 1);
        assert.equal((await put())['jobstatus'], 2, 'and not a third');
        await s.admin.ok('updateConfiguration', { name: setting, value: '1', clusterid: cluster });
        for (const id of made) await s.admin.jobOk('destroyVirtualMachine', { id, expunge: true });
        for (const vm of (await s.admin.ok('listVirtualMachines', { state: 'Error', listall: true }))['virtualmachine'] ?? []) await s.admin.jobOk('destroyVirtualMachine', { id: vm.id });
      }

      // A 5 GiB pool and 2 GiB root disks: the global factor 2 makes room for five, the pool's own 1 for two.
      await s.app.db.kysely.updateTable('storage_pools').set({ capacity_bytes: 5 * 1024 ** 3 }).execute();
      await s.admin.ok('updateConfiguration', { name: 'storage.overprovisioning.factor', value: '1', storageid: pool.id });
      assert.equal(Number((await s.admin.ok('listStoragePools', { id: pool.id }))['storagepool'][0].overprovisionfactor), 1);
      const vms = [(await deploy())['virtualmachine'].id, (await deploy())['virtualmachine'].id];
      const third = await s.admin.job('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']! });
      assert.equal(third['jobstatus'], 2);
      assert.match(third['jobresult'].errortext, /storage/);
      await s.admin.jobOk('destroyVirtualMachine', { id: third['jobinstanceid'] });
      await s.admin.ok('updateConfiguration', { name: 'storage.overprovisioning.factor', value: '2', storageid: pool.id });
      vms.push((await deploy())['virtualmachine'].id);
      for (const id of vms) await s.admin.jobOk('destroyVirtualMachine', { id, expunge: true });
      await s.app.db.kysely.updateTable('storage_pools').set({ capacity_bytes: 1024 ** 4 }).execute();
    });

    it('keeps resource counts exact through a deploy into Error, its expunge, and a failed start started again', async () => {
      const totals = async () => {
        const a = (await s.admin.ok('listAccounts', { name: 'admin', listall: true }))['account'][0];
        return { vm: Number(a.vmtotal), cpu: Number(a.cputotal), mem: Number(a.memorytotal), vol: Number(a.volumetotal) };
      };
      const base = await totals();
      // Every host refuses the start: the deploy ends in Error and its counts stay until the VM goes.
      for (const h of hosts) await s.admin.ok('configureSimulator', { name: 'StartCommand', value: 'result:fail', hostid: h, count: 1 });
      const failed = await s.admin.job('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']! });
      assert.equal(failed['jobstatus'], 2);
      const errored = (await s.admin.ok('listVirtualMachines', { state: 'Error', listall: true }))['virtualmachine'];
      assert.equal(errored.length, 1);
      assert.deepEqual(await totals(), { vm: base.vm + 1, cpu: base.cpu + 1, mem: base.mem + 512, vol: base.vol + 1 });
      await s.admin.jobOk('destroyVirtualMachine', { id: errored[0].id });
      assert.deepEqual(await totals(), base);

      // A start that fails returns the VM to Stopped; starting it again changes no count.
      const vm = (await deploy())['virtualmachine'];
      await s.admin.jobOk('stopVirtualMachine', { id: vm.id });
      const one = await totals();
      for (const h of hosts) await s.admin.ok('configureSimulator', { name: 'StartCommand', value: 'result:fail', hostid: h, count: 1 });
      assert.equal((await s.admin.job('startVirtualMachine', { id: vm.id }))['jobstatus'], 2);
      assert.equal((await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].state, 'Stopped');
      assert.deepEqual(await totals(), one);
      assert.equal((await s.admin.jobOk('startVirtualMachine', { id: vm.id }))['virtualmachine'].state, 'Running');
      assert.deepEqual(await totals(), one);
      // A full recount agrees with the counts kept along the way.
      await s.admin.ok('updateResourceCount', { domainid: (await s.admin.ok('listDomains', { name: 'ROOT' }))['domain'][0].id, account: 'admin' });
      assert.deepEqual(await totals(), one);
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
      assert.deepEqual(await totals(), base);
    });
  });
}
