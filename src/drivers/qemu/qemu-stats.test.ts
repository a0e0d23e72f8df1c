import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GuestSamples, type GuestCounters } from './qemu-stats.js';

const at = (ms: number, cpuTicks: number, bytes: number): GuestCounters => ({ at: ms, cpuTicks, readBytes: bytes, writeBytes: bytes * 2, netInBytes: bytes * 3, netOutBytes: bytes * 4 });

describe('GuestSamples', () => {
  it('reports each sample as the amount since the previous one (since the start for the first)', () => {
    const s = new GuestSamples();
    const first = s.next('i-2-3-VM', at(10_000, 500, 10 * 1024), 1, 128, () => 0);
    assert.equal(first.cpuUsedPercent, 50); // 5 s of CPU over 10 s
    assert.deepEqual([first.diskReadKiB, first.diskWriteKiB, first.networkReadKiB, first.networkWriteKiB], [10, 20, 30, 40]);
    const second = s.next('i-2-3-VM', at(20_000, 600, 15 * 1024), 1, 128, () => assert.fail('the baseline is the previous sample'));
    assert.equal(second.cpuUsedPercent, 10);
    assert.deepEqual([second.diskReadKiB, second.diskWriteKiB, second.networkReadKiB, second.networkWriteKiB], [5, 10, 15, 20]);
    assert.equal(second.memoryKiB, 128 * 1024);
  });

  it('splits CPU over the guest cpus and counts from zero again after a restart', () => {
    const s = new GuestSamples();
    s.next('v', at(10_000, 2_000, 100 * 1024), 2, 64, () => 0);
    const restarted = s.next('v', at(20_000, 400, 4 * 1024), 2, 64, () => 0);
    assert.equal(restarted.cpuUsedPercent, 20);
    assert.equal(restarted.diskReadKiB, 4);
    s.forget('v');
    assert.equal(s.next('v', at(30_000, 100, 1024), 1, 64, () => 29_000).cpuUsedPercent, 100);
  });
});
