/**
 * The QMP side of a live migration, event-driven: the source learns the end of the transfer
 * from QEMU's MIGRATION event and the destination that its guest runs from the RESUME event,
 * instead of polling `query-migrate` / `query-status` (under TCG every poll competes with the
 * migration thread for the same cores). A slow poll remains as a safety net for a missed event.
 * MIGRATION_SETUP is what both Nimbo and the bench's by-hand baseline (bench/qemu.ts) set.
 */
import type { MigrationTarget } from '../driver.js';
import { Qmp } from './qmp.js';

/** Loopback and LAN links are faster than QEMU's 128 MiB/s default cap; 300 ms is QEMU's default downtime. */
export const MIGRATION_SETUP = {
  capabilities: [{ capability: 'events', state: true }],
  parameters: { 'max-bandwidth': 4 * 1024 ** 3, 'downtime-limit': 300 },
} as const;

/** How long to wait for an event before asking QEMU directly. */
const SAFETY_POLL_MS = 250;
const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Sets up and starts the migration on an open source connection. The three commands go in one
 * write (QMP answers in order): if a setting fails, `migrate` runs anyway and the error is
 * thrown, so the caller cancels it as for any other failure.
 */
export async function startMigration(q: Qmp, t: MigrationTarget): Promise<void> {
  const steps = [
    q.execute('migrate-set-capabilities', { capabilities: MIGRATION_SETUP.capabilities }),
    q.execute('migrate-set-parameters', MIGRATION_SETUP.parameters),
    q.execute('migrate', { uri: `tcp:${t.host}:${t.port}` }),
  ];
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Waits for the migration on the source to end; answers its final status and error text.
 * `onProgress` hears the share of the guest's memory sent, from the safety polls (a migration
 * shorter than one poll reports only its end): never more than 99 before the end, 100 at it.
 */
export async function migrationEnded(q: Qmp, timeoutMs: number, onProgress?: (percent: number) => void): Promise<{ status: string; error?: string }> {
  const until = Date.now() + timeoutMs;
  let told = -1;
  const tell = (p: number) => {
    if (p > told) onProgress?.((told = p));
  };
  for (;;) {
    const ev = await q.waitEvent('MIGRATION', SAFETY_POLL_MS, (e) => ENDED.has(String(e.data?.['status']))).catch(() => null);
    if (ev?.data?.['status'] === 'completed') {
      tell(100);
      return { status: 'completed' };
    }
    const s = await q.execute<{ status?: string; 'error-desc'?: string; ram?: { total?: number; remaining?: number } }>('query-migrate');
    if (s.status === 'completed') tell(100);
    if (s.status && ENDED.has(s.status)) return { status: s.status, ...(s['error-desc'] ? { error: s['error-desc'] } : {}) };
    if (s.ram?.total) tell(Math.min(99, Math.floor((100 * (s.ram.total - (s.ram.remaining ?? s.ram.total))) / s.ram.total)));
    if (Date.now() > until) return { status: 'timeout' };
  }
}

/** QMP migrate to the target and wait; on failure or timeout cancel, resume the source and throw. */
export async function sendMemory(qmpSocket: string, name: string, t: MigrationTarget, timeoutMs: number, onProgress?: (percent: number) => void): Promise<void> {
  const q = await Qmp.connect(qmpSocket);
  let quitting = false;
  try {
    await startMigration(q, t);
    const end = await migrationEnded(q, timeoutMs, onProgress);
    if (end.status === 'timeout') throw new Error(`Migration of ${name} timed out`);
    if (end.status !== 'completed') throw new Error(`Migration of ${name} failed: ${end.error ?? end.status}`);
    // The source is paused for good (postmigrate): it quits behind the answer, which does not
    // wait for QEMU's reply (the driver reaps the process).
    quitting = true;
    void q.execute('quit', undefined, 5_000).catch(() => undefined).finally(() => q.close());
  } catch (e) {
    await q.execute('migrate_cancel').catch(() => undefined);
    const st = await q.execute<{ status: string }>('query-status').catch(() => null);
    if (st && st.status !== 'running') await q.execute('cont').catch(() => undefined);
    throw e;
  } finally {
    if (!quitting) q.close();
  }
}

/**
 * Waits until the destination's guest runs: RESUME once the source's last pages arrived (the
 * event itself says so, no query after it); a guest that arrives paused (the source was
 * paused) is continued. Throws when the incoming copy dies (a failed migration makes it exit:
 * the connection closes) or on timeout. On a connection opened before the migration started
 * (`watchedBeforeStart`) every RESUME is buffered, so the first step is the wait, not a query.
 */
export async function incomingRunning(q: Qmp, name: string, timeoutMs: number, o: { watchedBeforeStart?: boolean } = {}): Promise<void> {
  const until = Date.now() + timeoutMs;
  let ask = !o.watchedBeforeStart;
  for (;;) {
    if (ask) {
      const s = await q.execute<{ status: string }>('query-status');
      if (s.status === 'running') return;
      if (s.status === 'paused' || s.status === 'postmigrate') {
        await q.execute('cont');
        continue;
      }
      if (Date.now() > until) throw new Error(`VM ${name} did not resume after its migration (${s.status})`);
    }
    ask = true;
    if (await q.waitEvent('RESUME', SAFETY_POLL_MS).catch(() => null)) return;
  }
}
