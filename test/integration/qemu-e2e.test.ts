/**
 * A real compute node end to end: the management server and two `nimbo agent --driver qemu`
 * processes (two data dirs sharing one primary pool directory, TCG guests). A VM deployed
 * through the API from the built-in Nimbo Tiny Linux really boots (its serial log), takes a
 * hot-plugged data disk (the guest kernel sees it), is snapshotted, backed up and restored to
 * a new volume (identical content), live-migrates to the other agent and keeps running (it
 * answers on its serial console there, without rebooting, and its display through the console
 * proxy), powers off on stop and leaves no qemu process after destroy with expunge.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import type { TestServer } from '../helpers/server.js';
import { qemuPidsUnder, qemuSkipReason, qemuZone, serialLog, typeOnConsole, vmDir, type QemuZone } from '../helpers/qemu-zone.js';
import { until } from '../helpers/until.js';
import { openConsoleSocket, readFrame } from '../helpers/rfb-client.js';
import { BOOT_MARKER } from '../../src/drivers/qemu/tiny-linux.js';

const skip = qemuSkipReason();

for (const dialect of dialectsUnderTest()) {
  describe(`real QEMU compute nodes end to end (${dialect})`, { skip }, () => {
    let z: QemuZone;
    let s: TestServer;
    let dataDirs: QemuZone['dataDirs'];
    let ids: QemuZone['ids'];
    let root = '';

    before(async () => {
      z = await qemuZone(dialect);
      ({ s, dataDirs, ids, root } = z);
    });

    after(async () => {
      await z?.close();
    });

    const hostOf = async (vmId: string) => ((await s.admin.ok('listVirtualMachines', { id: vmId }))['virtualmachine'] ?? [])[0];
    /** The agent whose data dir runs the guest (agents claim waiting hosts in random order). */
    const agentRunning = (instance: string) => {
      const on = (['a', 'b'] as const).filter((h) => qemuPidsUnder(vmDir(dataDirs[h], instance)).length > 0);
      assert.equal(on.length, 1, `the guest runs on exactly one agent (${on.join(', ')})`);
      return on[0]!;
    };

    it('boots, hot-plugs, snapshots and restores, live-migrates, stops and destroys a real guest', { timeout: 600_000 }, async () => {
      const hosts = (await s.admin.ok('listHosts', {}))['host'];
      assert.deepEqual(hosts.map((h: any) => h.hypervisor).sort(), ['KVM', 'KVM']);
      const vm = (await s.admin.jobOk('deployVirtualMachine', { zoneid: ids.zone, serviceofferingid: ids.so, templateid: ids.tpl }))['virtualmachine'];
      assert.equal(vm.state, 'Running');
      const instance = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).instance_name;
      const src = agentRunning(instance);
      const dst = src === 'a' ? 'b' : 'a';
      await until('the guest to boot', async () => serialLog(dataDirs[src], instance).includes(BOOT_MARKER), 180_000, 250).catch((e: Error) => {
        const vmJson = join(vmDir(dataDirs[src], instance), 'vm.json');
        throw new Error(`${e.message}; spec ${existsSync(vmJson) ? readFileSync(vmJson, 'utf8') : 'none'}; serial log: ${serialLog(dataDirs[src], instance).slice(-2000)}`);
      });

      // Hot-plug a data disk: the guest kernel sees a new SCSI disk.
      const vol = (await s.admin.jobOk('createVolume', { name: 'data1', zoneid: ids.zone, diskofferingid: ids.disk }))['volume'];
      await s.admin.jobOk('attachVolume', { id: vol.id, virtualmachineid: vm.id });
      await until('the guest to see the data disk', async () => /\[sd[a-z]\] Attached SCSI disk/.test(serialLog(dataDirs[src], instance)), 60_000, 250);

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
      const migration = await s.admin.job('migrateVirtualMachine', { virtualmachineid: vm.id, hostid: hosts.find((h: any) => h.id !== vm.hostid).id });
      assert.equal(migration['jobstatus'], 1, JSON.stringify(migration['jobresult']));
      assert.equal(migration['jobprocstatus'], 100, 'QEMU\'s memory sent, relayed to the job');
      const moved = migration['jobresult']['virtualmachine'];
      assert.equal(moved.state, 'Running');
      assert.notEqual(moved.hostid, vm.hostid);
      assert.equal(agentRunning(instance), dst);
      assert.deepEqual(qemuPidsUnder(dataDirs[src]), [], 'the source qemu is gone');
      assert.equal(qemuPidsUnder(dataDirs[dst]).length, 1);
      await typeOnConsole(dataDirs[dst], instance, 'echo migrated-$((6*7))');
      await until('the migrated guest to answer', async () => serialLog(dataDirs[dst], instance).includes('migrated-42'), 60_000, 250);
      assert.ok(!serialLog(dataDirs[dst], instance).includes(BOOT_MARKER), 'the guest was not rebooted on the destination');

      // Its console answers over the management server's WebSocket proxy, from its new host.
      const endpoint = (await s.admin.ok('createConsoleEndpoint', { virtualmachineid: vm.id }))['consoleendpoint'];
      const viewer = await openConsoleSocket(`ws://127.0.0.1:${s.port}${endpoint.websocket.path}?token=${encodeURIComponent(endpoint.websocket.token)}`);
      const frame = await readFrame(viewer);
      viewer.close();
      assert.ok(frame.name.includes(instance), `QEMU names its display after the guest: ${frame.name}`);
      assert.ok(frame.width >= 320 && frame.height >= 200, `a ${frame.width}x${frame.height} display`);

      // Stop: the ACPI button powers the guest off.
      assert.equal((await s.admin.jobOk('stopVirtualMachine', { id: vm.id }))['virtualmachine'].state, 'Stopped');
      assert.match(serialLog(dataDirs[dst], instance), /reboot: Power down/);
      assert.deepEqual(qemuPidsUnder(root), []);

      await s.admin.jobOk('detachVolume', { id: vol.id });
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
      await until('the VM expunged', async () => (await hostOf(vm.id)) === undefined, 30_000);
      assert.deepEqual(qemuPidsUnder(root), [], 'no qemu process is left');
      assert.ok(!existsSync(vmDir(dataDirs[dst], instance)), 'the destination forgot the guest');
    });
  });
}
