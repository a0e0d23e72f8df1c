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

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const dialect of dialectsUnderTest()) {
  describe(`VMs on simulator agents (${dialect})`, () => {
    let s: TestServer;
    const children: ChildProcess[] = [];
    const dirs: string[] = [];
    const ids: Record<string, string> = {};
    let hosts: string[] = [];
    const TOKEN = 'vm-test-token';

    before(async () => {
      s = await startServer(dialect);
      const fx = new VmFixtures(s.app.db);
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
      const zoneId = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
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
  });
}
