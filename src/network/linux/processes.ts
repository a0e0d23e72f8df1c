/**
 * The router's processes (dnsmasq, haproxy, the metadata server) are tracked by pid files in
 * its state directory. A pid counts as ours only while its command line still names the
 * router's directory, so a recycled pid is never signalled.
 */
import { readFileSync } from 'node:fs';
import { exec } from './exec.js';

export function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split(/\s+/).filter((x) => /^\d+$/.test(x)).map(Number);
  } catch {
    return [];
  }
}

/** True while `pid` runs and its command line contains `marker`. */
export function aliveWith(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

export const livePids = (file: string, marker: string) => readPids(file).filter((p) => aliveWith(p, marker));

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie (our own exited child not yet reaped) counts as gone.
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
};

/** SIGTERM, then SIGKILL after `graceMs`; resolves when every pid has exited. */
export async function terminate(pids: number[], graceMs = 3000): Promise<void> {
  const signal = (p: number, s: NodeJS.Signals) => {
    try {
      process.kill(p, s);
    } catch { /* already gone */ }
  };
  pids.forEach((p) => signal(p, 'SIGTERM'));
  const t0 = Date.now();
  while (pids.some((p) => !gone(p))) {
    if (Date.now() - t0 > graceMs) pids.filter((p) => !gone(p)).forEach((p) => signal(p, 'SIGKILL'));
    if (Date.now() - t0 > graceMs + 5000) throw new Error(`processes ${pids.join(',')} did not exit`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every process inside a network namespace (all of a router's are ours: we started them there). */
export async function netnsPids(netns: string): Promise<number[]> {
  const r = await exec('ip', ['netns', 'pids', netns]);
  return r.code === 0 ? r.stdout.split(/\s+/).filter((x) => /^\d+$/.test(x)).map(Number) : [];
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
