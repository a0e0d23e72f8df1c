/** What a Linux host offers: cores, MHz, memory and local disk from /proc and statfs; KVM when it can run a guest. */
import { constants, accessSync, readFileSync, statfsSync } from 'node:fs';
import { cpus, networkInterfaces, totalmem } from 'node:os';
import { spawnSync } from 'node:child_process';
import type { Accel } from './qemu-args.js';

/**
 * KVM when asked for, or by default when /dev/kvm opens read-write AND a CPU can be created on it:
 * a nested /dev/kvm may open and still abort every guest at its first register write (seen here:
 * "failed to set MSR 0x10a"), so auto-detection boots an empty paused machine once (~0.3 s) and
 * falls back to TCG if it dies.
 */
export function detectAccel(tbSizeMiB: number, force?: string, qemuBinary = 'qemu-system-x86_64'): Accel {
  if (force === 'tcg') return { kind: 'tcg', tbSizeMiB };
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    if (force === 'kvm') throw new Error('KVM was asked for but /dev/kvm is not usable');
    return { kind: 'tcg', tbSizeMiB };
  }
  if (force === 'kvm' || kvmRunsGuests(qemuBinary)) return { kind: 'kvm', tbSizeMiB };
  return { kind: 'tcg', tbSizeMiB };
}

function kvmRunsGuests(qemuBinary: string): boolean {
  const probe = spawnSync(qemuBinary, ['-accel', 'kvm', '-cpu', 'host', '-nodefaults', '-display', 'none', '-S', '-m', '16', '-monitor', 'stdio'], {
    input: 'quit\n', timeout: 15_000, stdio: ['pipe', 'ignore', 'ignore'],
  });
  return probe.status === 0;
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
