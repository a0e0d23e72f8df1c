import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatorDriver } from '../drivers/simulator/simulator-driver.js';
import { storageDirProblem as poolDirProblem } from '../util/storage-dir.js';
import { poolHealth } from './pool-health.js';

describe('primary pool health', () => {
  it('a missing directory or a file is a problem, a writable directory is not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-poolhealth-'));
    try {
      assert.equal(await poolDirProblem(dir), null);
      assert.match(String(await poolDirProblem(join(dir, 'gone'))), /does not exist/);
      writeFileSync(join(dir, 'f'), 'x');
      assert.match(String(await poolDirProblem(join(dir, 'f'))), /is not a directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a StoragePoolOutage mock stops the simulated guests on that pool only, and refuses new disks there', async () => {
    const d = new SimulatorDriver({ name: 'ph-0' });
    const a = { uuid: '1a2b3c4d-0000-4000-8000-000000000001', path: '/pools/a' };
    const b = { uuid: '1a2b3c4d-0000-4000-8000-000000000002', path: '/pools/b' };
    const disk = (pool: string) => [{ uuid: `${pool}-root`, path: `${pool}/root`, type: 'ROOT', deviceId: 0 }];
    await d.startVm({ instanceName: 'on-a', cpus: 1, cpuSpeed: 500, memoryMiB: 256, disks: disk(a.path) });
    await d.startVm({ instanceName: 'on-b', cpus: 1, cpuSpeed: 500, memoryMiB: 256, disks: disk(b.path) });
    d.configure([{ id: 1, name: 'StoragePoolOutage', value: `pool:${a.uuid}`, count: null }]);
    const health = await poolHealth(d, [a, b], false);
    assert.deepEqual(health, [{ uuid: a.uuid, ok: false, reason: 'simulated storage pool outage' }, { uuid: b.uuid, ok: true }]);
    assert.deepEqual((await d.vmStates()).map((v) => [v.instanceName, v.state]), [['on-a', 'Stopped'], ['on-b', 'Running']]);
    await assert.rejects(d.createVolume({ volumeUuid: 'v1', poolPath: a.path, size: 1 }), /not reachable/);
    await assert.rejects(d.startVm({ instanceName: 'on-a', cpus: 1, cpuSpeed: 500, memoryMiB: 256, disks: disk(a.path) }), /not reachable/);
    d.cleanup([1]);
    assert.deepEqual((await poolHealth(d, [a, b], false)).map((p) => p.ok), [true, true]);
    await d.startVm({ instanceName: 'on-a', cpus: 1, cpuSpeed: 500, memoryMiB: 256, disks: disk(a.path) });
  });
});
