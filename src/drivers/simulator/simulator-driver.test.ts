import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { driverContract } from '../driver.contract.js';
import { SimulatorDriver } from './simulator-driver.js';
import { parseMockValue } from './mocks.js';
import { SimStorage } from './sim-storage.js';

let n = 0;
driverContract('simulator', {
  make: async () => new SimulatorDriver({ name: `sim-${++n}` }), poolPath: '/pool/primary', otherPoolPath: '/pool/other',
  scratchDir: mkdtempSync(join(tmpdir(), 'nimbo-sim-contract-')),
});

describe('simulator fault injection', () => {
  it('defaults are CloudStack simulator defaults', async () => {
    const h = await new SimulatorDriver({ name: 'h' }).hostInfo();
    assert.deepEqual([h.cpus, h.cpuSpeed, h.memory, h.hypervisorType], [4, 8000, 8 * 1024 ** 3, 'Simulator']);
  });

  it('result:fail with count 1 fails the next start only; CloudStack names map to commands', async () => {
    const d = new SimulatorDriver({ name: 'h' });
    d.configure([{ id: 1, name: 'StartCommand', value: 'result:fail', count: 1 }]);
    await assert.rejects(d.startVm({ instanceName: 'i-1', cpus: 1, cpuSpeed: 1, memoryMiB: 1, disks: [] }), /Simulated failure/);
    await d.startVm({ instanceName: 'i-1', cpus: 1, cpuSpeed: 1, memoryMiB: 1, disks: [] });
  });

  it('live migration: PrepareForMigrationCommand fails the destination step, and the VM stays on its source', async () => {
    const a = new SimulatorDriver({ name: 'a' });
    const b = new SimulatorDriver({ name: 'b' });
    const vm = { instanceName: 'i-9', cpus: 1, cpuSpeed: 1, memoryMiB: 1, disks: [] };
    await a.startVm(vm);
    b.configure([{ id: 4, name: 'PrepareForMigrationCommand', value: 'result:fail', count: 1 }]);
    await assert.rejects(b.prepareMigrateIn({ ...vm, isoPath: null }), /Simulated failure/);
    assert.deepEqual(await a.vmStates(), [{ instanceName: 'i-9', state: 'Running' }]);
    // The next try goes through, over a real port, with the source's spec.
    const target = await b.prepareMigrateIn(await a.vmSpec('i-9'));
    assert.equal(target.host, '127.0.0.1');
    await Promise.all([a.migrateOut('i-9', target), b.migrateIn({ ...vm, isoPath: null }, true)]);
    assert.deepEqual([await a.vmStates(), await b.vmStates()], [[], [{ instanceName: 'i-9', state: 'Running' }]]);
  });

  it('wait delays, cleanup removes, PingCommand suppresses heartbeats', async () => {
    const d = new SimulatorDriver({ name: 'h' });
    d.configure([{ id: 2, name: 'StopVm', value: 'wait:60', count: null }, { id: 3, name: 'PingCommand', value: 'result:fail', count: null }]);
    const t = Date.now();
    await d.stopVm('x', false);
    assert.ok(Date.now() - t >= 50);
    assert.equal(d.pingSuppressed(), true);
    d.cleanup([3]);
    assert.equal(d.pingSuppressed(), false);
    d.cleanup();
    assert.equal(d.mocks.size, 0);
  });

  it('backups are incremental: a delta stores what was written since its parent; the default is 1% of the disk', async () => {
    const storage = new SimStorage();
    const d = new SimulatorDriver({ name: 'h', storage });
    const MiB = 1024 ** 2;
    const vol = await d.createVolume({ volumeUuid: 'v', poolPath: '/p', size: 1024 * MiB });
    const take = async (id: string, parent: string | null, written?: number) => {
      if (written !== undefined) d.configure([{ id: 9, name: 'CreateSnapshotCommand', value: `written:${written}`, count: 1 }]);
      const s = await d.snapshot({ volumeUuid: 'v', path: vol.path, snapshotUuid: id });
      const b = await d.backupSnapshot({ snapshotUuid: id, primaryPath: s.path, storeUrl: 'nfs://x/y', installDir: 'snapshots/1/1', parentPath: parent });
      await d.deleteSnapshot(s.path);
      return b;
    };
    const full = await take('a', null, 100 * MiB);
    const d1 = await take('b', full.path, 10 * MiB);
    const d2 = await take('c', d1.path);
    const full2 = await take('d', null, 5 * MiB);
    assert.deepEqual([full.physicalSize, d1.physicalSize, d2.physicalSize, full2.physicalSize], [100 * MiB, 10 * MiB, Math.floor(1024 * MiB / 100), 115 * MiB + Math.floor(1024 * MiB / 100)]);
    await assert.rejects(d.backupSnapshot({ snapshotUuid: 'e', primaryPath: 'nope', storeUrl: 'nfs://x/y', installDir: 's', parentPath: null }), /not on primary/);
    await d.deleteSnapshot(d1.path);
    await assert.rejects(d.createVolumeFromSnapshot({ volumeUuid: 'r', poolPath: '/p', size: 1024 * MiB, chain: [full.path, d1.path, d2.path] }), /missing/);
    await assert.rejects(d.createVolumeFromSnapshot({ volumeUuid: 'r', poolPath: '/p', size: 1024 * MiB, chain: [full.path, d2.path] }), /delta of/);
    d.configure([{ id: 10, name: 'BackupSnapshot', value: 'result:fail', count: 1 }]);
    await assert.rejects(take('f', null));
  });

  it('router traffic: counters grow by the NetworkUsageCommand mock, else per DHCP guest, and restart from zero at a reboot', async () => {
    const d = new SimulatorDriver({ name: 'h' });
    await d.startVm({ instanceName: 'r-1-VM', cpus: 1, cpuSpeed: 1, memoryMiB: 1, disks: [] });
    await d.applyRouterConfig('r-1-VM', { dhcp: [{ ip: '10.1.1.2' }, { ip: '10.1.1.3' }] });
    d.configure([{ id: 1, name: 'NetworkUsageCommand', value: 'sent:1000|received:5000', count: 2 }]);
    const [a] = await d.routerNetworkStats(['r-1-VM', 'r-9-VM']);
    const [b] = await d.routerNetworkStats(['r-1-VM']);
    assert.deepEqual([a!.sent, a!.received, b!.sent, b!.received], [1000, 5000, 2000, 10000]);
    assert.equal(a!.bootId, b!.bootId);
    const [c] = await d.routerNetworkStats(['r-1-VM']);
    assert.deepEqual([c!.sent, c!.received], [2000 + 2 * 64 * 1024, 10000 + 2 * 256 * 1024], 'the default: per guest, 64 KiB sent and 256 KiB received');
    await d.rebootVm('r-1-VM');
    d.configure([{ id: 2, name: 'GetRouterNetworkStats', value: 'sent:7', count: 1 }]);
    const [e] = await d.routerNetworkStats(['r-1-VM']);
    assert.deepEqual([e!.sent, e!.received], [7, 0]);
    assert.notEqual(e!.bootId, a!.bootId, 'a reboot is a new boot');
    await d.stopVm('r-1-VM', false);
    assert.deepEqual(await d.routerNetworkStats(['r-1-VM']), [], 'a stopped router reports nothing');
  });

  it('failureRate 1 fails every operation', async () => {
    const d = new SimulatorDriver({ name: 'h', failureRate: 1 });
    await assert.rejects(d.startVm({ instanceName: 'i', cpus: 1, cpuSpeed: 1, memoryMiB: 1, disks: [] }));
  });

  it('mock values are validated', () => {
    assert.deepEqual(parseMockValue('result:fail|wait:5'), { enabled: true, waitMs: 5, result: 'fail', rate: 1, written: null, sent: null, received: null, pool: null });
    assert.equal(parseMockValue('written:1048576').written, 1048576);
    assert.throws(() => parseMockValue('written:-3'));
    assert.throws(() => parseMockValue('sent:1.5'));
    assert.throws(() => parseMockValue('colour:red'));
    assert.throws(() => parseMockValue('wait:-1'));
  });
});
