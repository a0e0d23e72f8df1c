/**
 * Statistics of QEMU guests. The kernel and QEMU count CPU ticks and block/tap bytes since the
 * guest started; the server stores one sample per collection round (as the simulator reports
 * and CloudStack's KVM agent computes), so each figure here is the amount since the previous
 * sample of that guest (since its start for the first one).
 */
import { readFileSync } from 'node:fs';
import type { VmStats } from '../driver.js';
import { Qmp } from './qmp.js';

const USER_HZ = 100;

/** Cumulative counters of one running guest. */
export interface GuestCounters {
  at: number;
  cpuTicks: number;
  readBytes: number;
  writeBytes: number;
  /** Bytes the guest received (its tap's tx) and sent (its tap's rx). */
  netInBytes: number;
  netOutBytes: number;
}

export async function readGuestCounters(pid: number, qmpSocket: string, taps: string[]): Promise<GuestCounters | null> {
  let cpuTicks: number;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    cpuTicks = Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
  let readBytes = 0, writeBytes = 0;
  try {
    const bs = await Qmp.once<Array<{ stats: { rd_bytes: number; wr_bytes: number } }>>(qmpSocket, 'query-blockstats');
    for (const b of bs) { readBytes += b.stats.rd_bytes; writeBytes += b.stats.wr_bytes; }
  } catch {
    /* the guest went away meanwhile */
  }
  let netInBytes = 0, netOutBytes = 0;
  for (const tap of taps) {
    netInBytes += readCounter(`/sys/class/net/${tap}/statistics/tx_bytes`);
    netOutBytes += readCounter(`/sys/class/net/${tap}/statistics/rx_bytes`);
  }
  return { at: Date.now(), cpuTicks, readBytes, writeBytes, netInBytes, netOutBytes };
}

export class GuestSamples {
  private readonly last = new Map<string, GuestCounters>();

  /** One sample of `name` from its cumulative counters; `startedAt` gives the baseline of the first. */
  next(name: string, c: GuestCounters, cpus: number, memoryMiB: number, startedAt: () => number): VmStats {
    const prev = this.last.get(name) ?? { at: startedAt(), cpuTicks: 0, readBytes: 0, writeBytes: 0, netInBytes: 0, netOutBytes: 0 };
    this.last.set(name, c);
    // A counter below the previous one means the guest restarted: count from zero again.
    const since = (now: number, before: number) => (now >= before ? now - before : now);
    const kib = (now: number, before: number) => Math.round(since(now, before) / 1024);
    const cpu = c.at > prev.at ? ((since(c.cpuTicks, prev.cpuTicks) / USER_HZ) * 1000 * 100) / (c.at - prev.at) / Math.max(1, cpus) : 0;
    return {
      instanceName: name, cpuUsedPercent: Math.max(0, Math.min(100, Math.round(cpu * 100) / 100)), memoryKiB: memoryMiB * 1024,
      diskReadKiB: kib(c.readBytes, prev.readBytes), diskWriteKiB: kib(c.writeBytes, prev.writeBytes),
      networkReadKiB: kib(c.netInBytes, prev.netInBytes), networkWriteKiB: kib(c.netOutBytes, prev.netOutBytes),
    };
  }

  forget(name: string): void {
    this.last.delete(name);
  }
}

function readCounter(path: string): number {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/** When the process started, in epoch ms (the first sample's baseline). */
export function processStart(pid: number): number {
  try {
    const startTicks = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Date.now() - (uptime - startTicks / USER_HZ) * 1000;
  } catch {
    return Date.now();
  }
}
