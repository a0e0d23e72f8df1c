import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { driverContract } from '../driver.contract.js';
import { SimulatorDriver } from './simulator-driver.js';
import { parseMockValue } from './mocks.js';

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

  it('failureRate 1 fails every operation', async () => {
    const d = new SimulatorDriver({ name: 'h', failureRate: 1 });
    await assert.rejects(d.startVm({ instanceName: 'i', cpus: 1, cpuSpeed: 1, memoryMiB: 1, disks: [] }));
  });

  it('mock values are validated', () => {
    assert.deepEqual(parseMockValue('result:fail|wait:5'), { enabled: true, waitMs: 5, result: 'fail', rate: 1 });
    assert.throws(() => parseMockValue('colour:red'));
    assert.throws(() => parseMockValue('wait:-1'));
  });
});
