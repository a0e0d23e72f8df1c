/**
 * The QEMU driver against the same contract as the simulator, with real qemu processes and
 * qcow2 files (skipped only where qemu is not installed; CI installs it), plus what only a
 * real host shows: re-adoption by a new driver on the same state dir, hot-plug seen by QEMU,
 * VNC on loopback, qcow2 deltas holding only changed clusters.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { driverContract } from '../driver.contract.js';
import type { HypervisorDriver } from '../driver.js';
import { LinuxRouters } from '../../network/linux/linux-router.js';
import { withNamespaceRouters } from '../../network/linux/router-driver.js';
import { NetLab, netnsUnavailable } from '../../../test/helpers/netns-lab.js';
import { QemuDriver } from './qemu-driver.js';
import { Qmp } from './qmp.js';

const have = (() => {
  try {
    execFileSync('qemu-system-x86_64', ['--version']);
    execFileSync('qemu-img', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
const skip = have ? false : 'qemu-system-x86_64 / qemu-img are not installed';

const root = mkdtempSync(join(tmpdir(), 'nimbo-qemu-contract-'));
const made: HypervisorDriver[] = [];
let n = 0;
const make = (name = `qh-${++n}`) => {
  // NIMBO_QEMU_ACCEL=tcg as for the agent: a nested /dev/kvm may open and still fail to run guests.
  const accel = process.env['NIMBO_QEMU_ACCEL'] === 'tcg' || process.env['NIMBO_QEMU_ACCEL'] === 'kvm' ? { accel: process.env['NIMBO_QEMU_ACCEL'] as 'tcg' | 'kvm' } : {};
  const d = new QemuDriver({ name, stateDir: join(root, 'hosts', name), stopTimeoutMs: 1500, tbSizeMiB: 16, migrationAddress: '127.0.0.1', ...accel });
  made.push(d);
  return d;
};
// As `nimbo agent --driver qemu` runs it: routers are namespaces (src/network/linux), their
// host side inside a lab namespace so the machine's own bridges are never touched.
const noNetns = await netnsUnavailable(['nft', 'dnsmasq', 'haproxy', 'tc']);
const lab = new NetLab();
const hostNs = noNetns ? null : await lab.ns('host');
const makeAgentDriver = () => {
  const name = `qh-${++n}`;
  const d = withNamespaceRouters(make(name), new LinuxRouters({ stateDir: join(root, 'hosts', name, 'routers'), hostNetns: hostNs ?? undefined }));
  made.push(d);
  return d;
};

after(async () => {
  for (const d of made) for (const v of await d.vmStates()) await d.destroyVm(v.instanceName).catch(() => undefined);
  await lab.cleanup();
  rmSync(root, { recursive: true, force: true });
});

if (have) {
  driverContract('qemu', {
    make: async () => makeAgentDriver(), poolPath: join(root, 'pool'), otherPoolPath: join(root, 'other'), scratchDir: join(root, 'scratch'),
    ...(noNetns ? { noRouters: `namespace routers: ${noNetns}` } : {}),
  });
}

describe('QEMU driver on a real host', { skip }, () => {
  it('a new driver on the same state dir re-adopts a running guest; VNC listens on loopback; hot-plug reaches QEMU', async () => {
    const a = make('readopt');
    const pool = join(root, 'pool2');
    const data = await a.createVolume({ volumeUuid: 'v-hot', poolPath: pool, size: 8 * 1024 ** 2 });
    await a.startVm({ instanceName: 'i-9-1-VM', cpus: 1, cpuSpeed: 500, memoryMiB: 64, disks: [] });
    const again = new QemuDriver({ name: 'readopt', stateDir: join(root, 'hosts', 'readopt'), stopTimeoutMs: 1500 });
    assert.deepEqual(await again.vmStates(), [{ instanceName: 'i-9-1-VM', state: 'Running' }]);
    const port = await again.vncPort('i-9-1-VM');
    assert.ok(port !== null && port >= 5900);
    const ss = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
    assert.deepEqual(ss.trim().split('\n').map((l) => l.trim().split(/\s+/)[3]), [`127.0.0.1:${port}`], 'VNC listens on loopback only');
    await again.attachVolume('i-9-1-VM', { uuid: 'v-hot', path: data.path, type: 'DATADISK', deviceId: 1 });
    const qmp = again.vms.files('i-9-1-VM').qmpSocket;
    const blocks = await Qmp.once<Array<{ inserted?: { file: string } }>>(qmp, 'query-block');
    assert.ok(blocks.some((b) => b.inserted?.file === data.path), 'the data disk is plugged into the guest');
    await again.detachVolume('i-9-1-VM', 'v-hot');
    const after = await Qmp.once<Array<{ inserted?: { file: string } }>>(qmp, 'query-block');
    assert.ok(!after.some((b) => b.inserted?.file === data.path));
    await again.attachIso('i-9-1-VM', data.path);
    assert.ok((await Qmp.once<Array<{ device: string; qdev?: string; inserted?: { file: string } }>>(qmp, 'query-block')).some((b) => b.inserted?.file === data.path));
    await again.destroyVm('i-9-1-VM');
    assert.deepEqual(await a.vmStates(), []);
  });

  it('an incremental backup holds only the clusters written since its parent and restores the newest content', async () => {
    const d = make('backups');
    const pool = join(root, 'pool3');
    const v = await d.createVolume({ volumeUuid: 'v-inc', poolPath: pool, size: 64 * 1024 ** 2 });
    const io = (cmd: string) => execFileSync('qemu-io', ['-f', 'qcow2', '-c', cmd, v.path]);
    io('write -P 0x11 0 16M');
    const s1 = await d.snapshot({ volumeUuid: 'v-inc', path: v.path, snapshotUuid: 'a1' });
    const store = { storeUrl: `file://${join(root, 'sec')}`, installDir: 'snapshots/1/1' };
    const b1 = await d.backupSnapshot({ snapshotUuid: 'a1', primaryPath: s1.path, parentPath: null, ...store });
    await d.deleteSnapshot(s1.path);
    io('write -P 0x22 0 1M');
    const s2 = await d.snapshot({ volumeUuid: 'v-inc', path: v.path, snapshotUuid: 'a2' });
    const b2 = await d.backupSnapshot({ snapshotUuid: 'a2', primaryPath: s2.path, parentPath: b1.path, ...store });
    assert.ok(b1.physicalSize >= 16 * 1024 ** 2, `full backup ${b1.physicalSize}`);
    assert.ok(b2.physicalSize < 4 * 1024 ** 2, `delta ${b2.physicalSize} holds about 1 MiB`);
    assert.ok(statSync(b2.path).size < 4 * 1024 ** 2);
    const r = await d.createVolumeFromSnapshot({ volumeUuid: 'v-back', poolPath: pool, size: 64 * 1024 ** 2, chain: [b1.path, b2.path] });
    const check = (p: number, off: string, len: string) => execFileSync('qemu-io', ['-f', 'qcow2', '-c', `read -P ${p} ${off} ${len}`, r.path], { encoding: 'utf8' });
    assert.doesNotMatch(check(0x22, '0', '1M'), /Pattern verification failed/);
    assert.doesNotMatch(check(0x11, '1M', '15M'), /Pattern verification failed/);
  });
});
