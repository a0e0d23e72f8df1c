/**
 * Heartbeats on shared primary storage, for any driver (the seed's "check the host's
 * heartbeat on shared primary storage"): each host writes `<pool>/.nimbo-heartbeat/<host uuid>`
 * (its clock in ms) every ping interval to every shared pool directory the server names; a
 * peer asked about a lost host (CheckHost) reads them. A heartbeat younger than the window
 * means the host still runs (a network partition: it must not be fenced), an older one that
 * it stopped; no readable heartbeat means the peer cannot tell.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const HEARTBEAT_DIR = '.nimbo-heartbeat';
const UUID = /^[0-9a-f-]{8,64}$/i;

function file(pool: string, hostUuid: string): string {
  if (!UUID.test(hostUuid)) throw new Error(`not a host uuid: ${hostUuid}`);
  return join(pool, HEARTBEAT_DIR, hostUuid);
}

/** Writes the heartbeat into every pool that accepts it (write then rename: a reader never sees half a file); returns how many did. */
export async function writeHeartbeat(pools: string[], hostUuid: string, now = Date.now()): Promise<number> {
  let ok = 0;
  await Promise.all(pools.map(async (pool) => {
    try {
      const f = file(pool, hostUuid);
      // Not recursive: a pool directory that vanished (a storage outage) must stay gone, not be
      // made again empty, which would hide the outage from the pool checks (pool-health.ts).
      await mkdir(join(pool, HEARTBEAT_DIR)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      await writeFile(`${f}.tmp`, String(now));
      await rename(`${f}.tmp`, f);
      ok++;
    } catch {
      /* an unreachable pool: the other pools may still carry the heartbeat */
    }
  }));
  return ok;
}

/**
 * The host's liveness from its heartbeats: true when any is younger than `windowMs`, false
 * when at least one was read and all are older, null when none could be read.
 */
export async function readHeartbeat(pools: string[], hostUuid: string, windowMs: number, now = Date.now()): Promise<boolean | null> {
  let seen: boolean | null = null;
  for (const pool of pools) {
    const at = Number(await readFile(file(pool, hostUuid), 'utf8').catch(() => ''));
    if (!Number.isFinite(at) || at <= 0) continue;
    if (now - at < windowMs) return true;
    seen = false;
  }
  return seen;
}

/** A host connection's writer: one heartbeat at once, then one per interval until stopped. */
export class HeartbeatWriter {
  private timer: NodeJS.Timeout | undefined;

  start(pools: string[], hostUuid: string, intervalMs: number): void {
    this.stop();
    if (!pools.length) return;
    void writeHeartbeat(pools, hostUuid);
    this.timer = setInterval(() => void writeHeartbeat(pools, hostUuid), Math.max(200, intervalMs));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
