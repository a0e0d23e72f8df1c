/** What a Linux host offers: cores, MHz, memory and local disk from /proc and statfs; KVM when /dev/kvm opens read-write. */
import { constants, accessSync, readFileSync, statfsSync } from 'node:fs';
import { cpus, networkInterfaces, totalmem } from 'node:os';
import type { Accel } from './qemu-args.js';

export function detectAccel(tbSizeMiB: number, force?: string): Accel {
  if (force === 'tcg') return { kind: 'tcg', tbSizeMiB };
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return { kind: 'kvm', tbSizeMiB };
  } catch {
    if (force === 'kvm') throw new Error('KVM was asked for but /dev/kvm is not usable');
    return { kind: 'tcg', tbSizeMiB };
  }
}

/** MHz of one core: the highest "cpu MHz" in /proc/cpuinfo (os.cpus() reports 0 in some VMs). */
export function cpuMhz(): number {
  const fromOs = Math.max(0, ...cpus().map((c) => c.speed));
  if (fromOs > 0) return fromOs;
  try {
    const m = [...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((x) => Number(x[1]));
    if (m.length) return Math.round(Math.max(...m));
  } catch {
    /* not Linux */
  }
  return 1000;
}

export function cpuSockets(): number {
  try {
    const ids = new Set([...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^physical id\s*:\s*(\d+)/gm)].map((x) => x[1]));
    return Math.max(1, ids.size);
  } catch {
    return 1;
  }
}

export function localStorageBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.blocks * s.bsize;
  } catch {
    return 0;
  }
}

/** The first non-internal IPv4 address (the host's private IP), else loopback. */
export function privateIp(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

export const hostMemory = () => totalmem();
export const hostCores = () => cpus().length;
