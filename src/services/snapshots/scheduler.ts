/**
 * Runs recurring snapshot policies. Each tick takes the policies whose `next_run` has come
 * and claims each run with a conditional UPDATE (`SET next_run = <following run> WHERE id = ?
 * AND next_run = <due>`): of several management servers sharing the database exactly one
 * wins a run. The following run is computed from the tick's time, not from the missed one,
 * so after downtime a policy catches up once rather than once per missed run.
 *
 * The seed's volume-status rule: a volume is inactive when detached or attached to a VM that
 * is not Running. An inactive volume is skipped if a snapshot of it was taken after it became
 * inactive (nothing can have changed since); otherwise one is taken — so at least one snapshot
 * follows the moment it went inactive. "Became inactive" is the VM's last state change, or
 * for a detached volume its last VOLUME.DETACH event (events commit with the change).
 *
 * Snapshots are taken by a small worker pool after the tick (the tick only claims, decides
 * and allocates), then retention deletes the policy's oldest snapshots beyond `maxsnaps`.
 * The clock is injectable: tests call `tick(at)` to run a month of schedules in seconds.
 */
import type { Logger } from 'pino';
import { CloudError } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import { SYSTEM_USER_ID } from '../caller.js';
import { SYSTEM_CALLER } from '../vms/area.js';
import type { Services } from '../index.js';
import { nextRun, parseSchedule } from './schedule.js';
import type { IntervalType } from './snapshot.queries.js';
import type { SnapshotService } from './snapshot.service.js';

/** Recurring snapshots are taken by the system on the volume owner's behalf. */
export const SCHEDULER_CALLER = SYSTEM_CALLER;

export interface TickResult {
  due: number;
  /** Runs this scheduler won (the others went to another server). */
  claimed: number;
  /** Snapshots allocated and queued. */
  queued: number;
  /** Runs skipped because the volume stayed inactive since its last snapshot (or is not Ready). */
  skipped: number;
  failed: number;
}

interface Due {
  id: number;
  volume_id: number;
  interval_type: string;
  schedule: string;
  timezone: string;
  max_snaps: number;
  next_run: number;
}

const BATCH = 1000;

export class SnapshotScheduler {
  private queue: Array<{ snapshotId: number; policyId: number; maxSnaps: number }> = [];
  private active = 0;
  private idle: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    private readonly db: Db,
    private readonly services: Services,
    private readonly snapshots: SnapshotService,
    private readonly opts: { clock?: () => number; concurrency?: number; log?: Logger } = {},
  ) {}

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** Claims and starts every run due at `at` (default: the clock). */
  async tick(at = this.now()): Promise<TickResult> {
    const k = this.db.kysely;
    const out: TickResult = { due: 0, claimed: 0, queued: 0, skipped: 0, failed: 0 };
    for (;;) {
      const due: Due[] = await k.selectFrom('snapshot_policies').select(['id', 'volume_id', 'interval_type', 'schedule', 'timezone', 'max_snaps', 'next_run'])
        .where('next_run', '<=', at).orderBy('next_run').limit(BATCH).execute();
      if (!due.length) break;
      out.due += due.length;
      const won: Due[] = [];
      for (const p of due) {
        const next = nextRun(parseSchedule(p.interval_type as IntervalType, p.schedule), p.timezone, at);
        const r = await k.updateTable('snapshot_policies').set({ next_run: next }).where('id', '=', p.id).where('next_run', '=', p.next_run).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) won.push(p);
      }
      out.claimed += won.length;
      await this.start(won, at, out);
      if (due.length < BATCH) break;
    }
    return out;
  }

  /** Decides each won run against its volume's status and allocates the snapshots. */
  private async start(won: Due[], at: number, out: TickResult): Promise<void> {
    if (!won.length) return;
    const k = this.db.kysely;
    const volumeIds = [...new Set(won.map((p) => p.volume_id))];
    const vols = new Map((await k.selectFrom('volumes as v').leftJoin('vm_instances as vm', 'vm.id', 'v.vm_id')
      .select(['v.id', 'v.uuid', 'v.state', 'v.removed', 'v.vm_id', 'v.created', 'vm.state as vm_state', 'vm.state_changed as vm_changed'])
      .where('v.id', 'in', volumeIds).execute()).map((v) => [v.id, v]));
    const last = new Map((await k.selectFrom('snapshots').select(['volume_id', (eb) => eb.fn.max('created').as('at')])
      .where('volume_id', 'in', volumeIds).where('removed', 'is', null).where('state', '<>', 'Error').groupBy('volume_id').execute())
      .map((r) => [r.volume_id, Number(r.at)]));
    for (const p of won) {
      const v = vols.get(p.volume_id);
      if (!v || v.removed !== null) {
        // The volume is gone: so is its policy (CloudStack removes a deleted volume's policies).
        await k.deleteFrom('snapshot_policies').where('id', '=', p.id).execute();
        out.skipped++;
        continue;
      }
      const active = v.vm_id !== null && v.vm_state === 'Running';
      if (v.state !== 'Ready' || (!active && await this.stayedInactive(v, last.get(v.id)))) {
        out.skipped++;
        continue;
      }
      try {
        const s = await this.snapshots.allocate(SCHEDULER_CALLER, { volumeId: v.id, policy: { id: p.id, intervalType: p.interval_type }, at });
        last.set(v.id, Date.now());
        this.enqueue({ snapshotId: s.id, policyId: p.id, maxSnaps: p.max_snaps });
        out.queued++;
      } catch (e) {
        out.failed++;
        await this.recordFailure(p, v.uuid, e);
      }
    }
  }

  /** True when the inactive volume's last snapshot was taken after it became inactive. */
  private async stayedInactive(v: { uuid: string; vm_id: number | null; vm_changed: number | null; created: number }, lastSnapshot: number | undefined): Promise<boolean> {
    if (lastSnapshot === undefined) return false;
    let since: number;
    if (v.vm_id !== null) since = Number(v.vm_changed ?? v.created);
    else {
      const e = await this.db.kysely.selectFrom('events').select((eb) => eb.fn.max('created').as('at')).where('type', '=', 'VOLUME.DETACH')
        .where('resource_uuid', '=', v.uuid).executeTakeFirst();
      since = e?.at !== null && e?.at !== undefined ? Number(e.at) : Number(v.created);
    }
    return lastSnapshot >= since;
  }

  private async recordFailure(p: Due, volumeUuid: string, e: unknown): Promise<void> {
    const owner = await this.db.kysely.selectFrom('snapshot_policies').select(['account_id', 'domain_id']).where('id', '=', p.id).executeTakeFirst();
    if (!owner) return;
    this.opts.log?.warn({ err: e, policyId: p.id }, 'recurring snapshot not taken');
    await this.services.events.record({
      type: 'SNAPSHOT.CREATE', level: 'ERROR', description: `Recurring ${p.interval_type} snapshot of volume ${volumeUuid} not taken: ${e instanceof Error ? e.message : String(e)}`,
      userId: SYSTEM_USER_ID, accountId: owner.account_id, domainId: owner.domain_id, resourceType: 'Volume', resourceUuid: volumeUuid,
    });
  }

  private enqueue(job: { snapshotId: number; policyId: number; maxSnaps: number }): void {
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    const limit = this.opts.concurrency ?? 8;
    while (this.active < limit && this.queue.length) {
      const job = this.queue.shift()!;
      this.active++;
      void this.run(job).finally(() => {
        this.active--;
        if (!this.active && !this.queue.length) for (const f of this.idle.splice(0)) f();
        this.pump();
      });
    }
  }

  private async run(job: { snapshotId: number; policyId: number; maxSnaps: number }): Promise<void> {
    try {
      await this.snapshots.take(SCHEDULER_CALLER, job.snapshotId, { recordFailure: true });
      await this.retain(job.policyId, job.maxSnaps);
    } catch (e) {
      this.opts.log?.warn({ err: e, snapshotId: job.snapshotId }, 'recurring snapshot failed');
    }
  }

  /** Deletes the policy's oldest backed-up snapshots beyond `maxsnaps`. */
  async retain(policyId: number, maxSnaps: number): Promise<number> {
    const rows = await this.db.kysely.selectFrom('snapshots').selectAll().where('policy_id', '=', policyId).where('removed', 'is', null)
      .where('state', '=', 'BackedUp').orderBy('id', 'desc').execute();
    let n = 0;
    for (const s of rows.slice(Math.max(0, maxSnaps))) {
      try {
        await this.snapshots.destroy(SCHEDULER_CALLER, s);
        n++;
      } catch (e) {
        if (!(e instanceof CloudError)) throw e;
        this.opts.log?.warn({ err: e, snapshotId: s.id }, 'retention could not delete a snapshot');
      }
    }
    return n;
  }

  /** Resolves when every queued snapshot has been taken (tests, the benchmark, shutdown). */
  drain(): Promise<void> {
    if (!this.active && !this.queue.length) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /** Ticks every `everyMs` on the clock until stopped. */
  startTimer(everyMs: number): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      this.tick().catch((e) => this.opts.log?.warn({ err: e }, 'snapshot scheduler tick failed')).finally(() => (this.ticking = false));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.queue = [];
    await this.drain();
  }
}
