/**
 * A real compute node end to end: the management server and two `nimbo agent --driver qemu`
 * processes (two data dirs sharing one primary pool directory, TCG guests). A VM deployed
 * through the API from the built-in Nimbo Tiny Linux really boots (its serial log), takes a
 * hot-plugged data disk (the guest kernel sees it), is snapshotted, backed up and restored to
 * a new volume (identical content), live-migrates to the other agent and keeps running (it
 * answers on its serial console there, without rebooting), powers off on stop and leaves no
 * qemu process after destroy with expunge.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';
import { until } from '../helpers/until.js';
import { BOOT_MARKER, tinyLinuxParts } from '../../src/drivers/qemu/tiny-linux.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));
const parts = tinyLinuxParts();
const skip = typeof parts === 'string' ? parts : (() => {
  try {
    execFileSync('qemu-system-x86_64', ['--version']);
    return false;
  } catch {
    return 'qemu-system-x86_64 is not installed';
  }
})();

/** Pids of qemu processes whose command line names `dir` (read from /proc; nothing is killed by name). */
export function qemuPidsUnder(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.startsWith('qemu-system') && cmd.includes(dir)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

const serialLog = (dataDir: string, instance: string) => {
  const p = join(dataDir, 'qemu', '0', 'vms', instance, 'serial.log');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

/** Types a line on the guest's serial console. */
function typeOnConsole(dataDir: string, instance: string, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = createConnection(join(dataDir, 'qemu', '0', 'vms', instance, 'serial.sock'));
    c.once('error', reject);
    c.once('connect', () => c.end(`${line}\n`, () => setTimeout(() => { c.destroy(); resolve(); }, 200)));
  });
}

for (const dialect of dialectsUnderTest()) {
  describe(`real QEMU compute nodes end to end (${dialect})`, { skip }, () => {
    let s: TestServer;
    const agents: ChildProcess[] = [];
    const dirs: string[] = [];
    const dataDirs: Record<string, string> = {};
    let root = '';
    const tmp = (p: string) => {
      const d = mkdtempSync(join(tmpdir(), p));
      dirs.push(d);
      return d;
    };
    let ids: Record<string, string> = {};

    before(async () => {
      root = tmp('nimbo-qemu-e2e-');
      s = await startServer(dialect);
      const fx = new VmFixtures(s.app.db);
      await fx.init();
      const z = (await s.admin.ok('createZone', { name: 'kvmz', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
      const p = (await s.admin.ok('createPod', { name: 'p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
      const c = (await s.admin.ok('addCluster', { clustername: 'kvm1', zoneid: z.id, podid: p.id, hypervisor: 'KVM', clustertype: 'CloudManaged' }))['cluster'][0];
      await s.admin.ok('createStoragePool', { name: 'shared', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${join(root, 'primary')}` });
      await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
      await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z.id, url: `file://${join(root, 'secondary')}` });
      const TOKEN = 'qemu-e2e-token';
      for (const h of ['a', 'b']) {
        await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c.id, url: `http://kvm-${h}`, hypervisor: 'KVM', username: 'root', password: TOKEN });
      }
      for (const h of ['a', 'b']) {
        dataDirs[h] = join(root, `agent-${h}`);
        const child = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'qemu', '--data-dir', dataDirs[h]!, '--name-prefix', `kvm-${h}`], {
          env: {
            PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: TOKEN, NIMBO_QEMU_ACCEL: 'tcg', NIMBO_QEMU_TB_SIZE: '32',
            NIMBO_QEMU_MIGRATION_ADDRESS: '127.0.0.1', NIMBO_QEMU_STOP_TIMEOUT_MS: '90000',
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        agents.push(child);
        // One agent at a time claims one waiting host.
        await until(`agent ${h} Up`, async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === agents.length, 30_000);
      }
      const tpl = await until('the built-in template ready', async () => {
        const r = await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: z.id });
        return (r['template'] ?? []).find((t: any) => t.name === 'Nimbo Tiny Linux (default)' && t.isready);
      }, 60_000);
      ids = {
        zone: z.id, tpl: tpl.id, so: (await fx.serviceOffering({ cpu_number: 1, cpu_speed: 500, ram_size: 96 })).uuid,
        disk: (await fx.diskOffering({ disk_size: 64 * 1024 ** 2 })).uuid,
      };
    });

    after(async () => {
      for (const a of agents) a.kill('SIGKILL');
      // Guests outlive their agent by design; whatever a failed run left is stopped by its pid file.
      for (const pid of qemuPidsUnder(root)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
      await s?.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    const hostOf = async (vmId: string) => ((await s.admin.ok('listVirtualMachines', { id: vmId }))['virtualmachine'] ?? [])[0];
    /** The agent whose data dir runs the guest (agents claim waiting hosts in random order). */
    const agentRunning = (instance: string) => {
      const on = ['a', 'b'].filter((h) => qemuPidsUnder(join(dataDirs[h]!, 'qemu', '0', 'vms', instance)).length > 0);
      assert.equal(on.length, 1, `the guest runs on exactly one agent (${on.join(', ')})`);
      return on[0]!;
    };

    it('boots, hot-plugs, snapshots and restores, live-migrates, stops and destroys a real guest', { timeout: 600_000 }, async () => {
      const hosts = (await s.admin.ok('listHosts', {}))['host'];
      assert.deepEqual(hosts.map((h: any) => h.hypervisor).sort(), ['KVM', 'KVM']);
      const vm = (await s.admin.jobOk('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']! }))['virtualmachine'];
      assert.equal(vm.state, 'Running');
      const instance = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).instance_name;
      const src = agentRunning(instance);
      const dst = src === 'a' ? 'b' : 'a';
      await until('the guest to boot', async () => serialLog(dataDirs[src]!, instance).includes(BOOT_MARKER), 180_000, 250).catch((e: Error) => {
        const vmJson = join(dataDirs[src]!, 'qemu', '0', 'vms', instance, 'vm.json');
        throw new Error(`${e.message}; spec ${existsSync(vmJson) ? readFileSync(vmJson, 'utf8') : 'none'}; serial log: ${serialLog(dataDirs[src]!, instance).slice(-2000)}`);
      });

      // Hot-plug a data disk: the guest kernel sees a new SCSI disk.
      const vol = (await s.admin.jobOk('createVolume', { name: 'data1', zoneid: ids['zone']!, diskofferingid: ids['disk']! }))['volume'];
      await s.admin.jobOk('attachVolume', { id: vol.id, virtualmachineid: vm.id });
      await until('the guest to see the data disk', async () => /\[sd[a-z]\] Attached SCSI disk/.test(serialLog(dataDirs[src]!, instance)), 60_000, 250);

      // Snapshot of the running root disk, backed up to secondary storage, restored into a new volume.
      const rootVol = (await s.admin.ok('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }))['volume'][0];
      const snap = (await s.admin.jobOk('createSnapshot', { volumeid: rootVol.id }))['snapshot'];
      assert.equal(snap.state, 'BackedUp');
      const restored = (await s.admin.jobOk('createVolume', { name: 'restored', snapshotid: snap.id }))['volume'];
      const paths = await s.app.db.kysely.selectFrom('volumes').select(['uuid', 'path']).where('uuid', 'in', [restored.id, rootVol.id]).execute();
      const pathOf = (u: string) => paths.find((x) => x.uuid === u)!.path!;
      assert.ok(pathOf(restored.id).startsWith(join(root, 'primary')));
      const cmp = execFileSync('qemu-img', ['compare', '-U', pathOf(rootVol.id), pathOf(restored.id)], { encoding: 'utf8' });
      assert.match(cmp, /Images are identical/);

      // Live migration to the other agent: the same guest answers there, it did not boot again.
      const moved = (await s.admin.jobOk('migrateVirtualMachine', { virtualmachineid: vm.id, hostid: hosts.find((h: any) => h.id !== vm.hostid).id }))['virtualmachine'];
      assert.equal(moved.state, 'Running');
      assert.notEqual(moved.hostid, vm.hostid);
      assert.equal(agentRunning(instance), dst);
      assert.deepEqual(qemuPidsUnder(dataDirs[src]!), [], 'the source qemu is gone');
      assert.equal(qemuPidsUnder(dataDirs[dst]!).length, 1);
      await typeOnConsole(dataDirs[dst]!, instance, 'echo migrated-$((6*7))');
      await until('the migrated guest to answer', async () => serialLog(dataDirs[dst]!, instance).includes('migrated-42'), 60_000, 250);
      assert.ok(!serialLog(dataDirs[dst]!, instance).includes(BOOT_MARKER), 'the guest was not rebooted on the destination');

      // Stop: the ACPI button powers the guest off.
      assert.equal((await s.admin.jobOk('stopVirtualMachine', { id: vm.id }))['virtualmachine'].state, 'Stopped');
      assert.match(serialLog(dataDirs[dst]!, instance), /reboot: Power down/);
      assert.deepEqual(qemuPidsUnder(root), []);

      await s.admin.jobOk('detachVolume', { id: vol.id });
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
      await until('the VM expunged', async () => (await hostOf(vm.id)) === undefined, 30_000);
      assert.deepEqual(qemuPidsUnder(root), [], 'no qemu process is left');
      assert.ok(!existsSync(join(dataDirs[dst]!, 'qemu', '0', 'vms', instance)), 'the destination forgot the guest');
    });
  });
}
