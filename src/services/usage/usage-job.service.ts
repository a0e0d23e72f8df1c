/**
 * The usage job: finds the periods due under the `usage.*` settings, claims each one in
 * `usage_periods` (its unique start makes a period run exactly once however many management
 * servers share the database), aggregates it and writes its records with the claim's
 * completion in one transaction. Missed periods (the server was down) are caught up in order.
 * The clock is injectable so tests can replay months in milliseconds.
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/dialect.js';
import type { ConfigService } from '../config/config.service.js';
import { paramError } from '../../api/errors.js';
import { aggregatePeriod } from './aggregate.js';
import { DAY_RANGE, dueUntil, periodContaining, periodsBetween, type Period, type UsageSchedule } from './schedule.js';
import { isValidTimeZone, splitAtMidnights } from './tz.js';

/** A claim older than this whose server never finished it is taken over (the server died). */
const STALE_CLAIM_MS = 15 * 60_000;
const INSERT_BATCH = 500;

/** Deadlocks and serialization failures (MySQL 1213, PostgreSQL 40001/40P01) and SQLite's busy. */
function isRetryable(e: unknown): boolean {
  const x = e as { code?: unknown; errno?: unknown };
  return x?.errno === 1213 || x?.code === 'ER_LOCK_DEADLOCK' || x?.code === '40001' || x?.code === '40P01' || x?.code === 'SQLITE_BUSY';
}

export interface PeriodOutcome { start: number; end: number; records: number }

export class UsageJobService {
  /** Milliseconds since the epoch; tests replace it. */
  clock: () => number = () => Date.now();

  constructor(private readonly db: Db, private readonly config: ConfigService, private readonly msid: string, private readonly log?: Logger) {}

  async schedule(): Promise<UsageSchedule> {
    const tz = (name: string, fallback: string) => this.config.get(name).then((v) => (v && isValidTimeZone(v) ? v : fallback));
    const range = await this.config.getNumber('usage.stats.job.aggregation.range');
    return {
      execTime: (await this.config.get('usage.stats.job.exec.time')) ?? '00:15',
      rangeMinutes: Number.isFinite(range) && range > 0 ? range : DAY_RANGE,
      aggregationTz: await tz('usage.aggregation.timezone', 'GMT'),
      executionTz: await tz('usage.execution.timezone', 'GMT'),
    };
  }

  /** Where the next period starts: after the last processed one, else at the oldest usage data. */
  private async resumeFrom(s: UsageSchedule): Promise<number | undefined> {
    const last = await this.db.kysely.selectFrom('usage_periods').select((eb) => eb.fn.max('end_ms').as('end')).executeTakeFirst();
    if (last?.end !== null && last?.end !== undefined) return Number(last.end);
    const first = await this.oldestData();
    return first === undefined ? undefined : periodContaining(first, s).start;
  }

  private async oldestData(): Promise<number | undefined> {
    const iv = await this.db.kysely.selectFrom('usage_intervals').select((eb) => eb.fn.min('start_ms').as('t')).executeTakeFirst();
    const nb = await this.db.kysely.selectFrom('usage_network_bytes').select((eb) => eb.fn.min('at_ms').as('t')).executeTakeFirst();
    const first = [iv?.t, nb?.t].filter((t) => t !== null && t !== undefined).map(Number);
    return first.length === 0 ? undefined : Math.min(...first);
  }

  /** The scheduled run: every period due by now that no server has processed yet, oldest first. */
  async runDue(): Promise<PeriodOutcome[]> {
    const s = await this.schedule();
    const now = this.clock();
    await this.takeOverStale(now, s);
    const from = await this.resumeFrom(s);
    if (from === undefined) return [];
    const out: PeriodOutcome[] = [];
    for (const p of periodsBetween(from, dueUntil(now, s), s)) {
      const r = await this.process(p, s);
      if (r) out.push(r);
    }
    return out;
  }

  /**
   * generateUsageRecords: the due periods, plus the complete periods of [start, end] (default:
   * everything up to now) that were never processed. Processed periods are left alone, so
   * calling it again never counts anything twice.
   */
  async generate(start?: Date, end?: Date): Promise<PeriodOutcome[]> {
    if (start && end && start.getTime() > end.getTime()) throw paramError('Incorrect Date range. Start date: ' + start.toISOString() + ' is after end date:' + end.toISOString());
    const out = await this.runDue();
    if (!start) return out;
    const s = await this.schedule();
    // enddate has second precision (a bare day means 23:59:59): one more second reaches midnight.
    const until = Math.min(end ? end.getTime() + 1000 : Infinity, this.clock());
    // Nothing to aggregate before the oldest usage data: start there rather than claim empty periods.
    const oldest = await this.oldestData();
    if (oldest === undefined) return out;
    const grid = periodContaining(Math.max(start.getTime(), oldest), s).start;
    for (const p of periodsBetween(grid, until, s)) {
      if (await this.overlapsProcessed(p)) continue;
      const r = await this.process(p, s);
      if (r) out.push(r);
    }
    return out;
  }

  private async overlapsProcessed(p: Period): Promise<boolean> {
    const r = await this.db.kysely.selectFrom('usage_periods').select('id').where('start_ms', '<', p.end).where('end_ms', '>', p.start).executeTakeFirst();
    return r !== undefined;
  }

  /** Claims, aggregates and completes one period; undefined when another server has it. */
  private async process(p: Period, s: UsageSchedule): Promise<PeriodOutcome | undefined> {
    const id = await this.claim(p);
    if (id === undefined) return undefined;
    return this.complete(id, p, s);
  }

  private async claim(p: Period): Promise<number | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.kysely.insertInto('usage_periods').values({ start_ms: p.start, end_ms: p.end, msid: this.msid, started: this.clock(), finished: null, records: 0 }).execute();
        break;
      } catch (e) {
        // Another server's claim (unique start) wins; a deadlock is retried.
        const taken = await this.db.kysely.selectFrom('usage_periods').select('id').where('start_ms', '=', p.start).executeTakeFirst();
        if (taken) return undefined;
        if (attempt >= 5 || !isRetryable(e)) throw e;
      }
    }
    const row = await this.db.kysely.selectFrom('usage_periods').select(['id', 'msid']).where('start_ms', '=', p.start).executeTakeFirstOrThrow();
    return row.msid === this.msid ? row.id : undefined;
  }

  private async complete(id: number, p: Period, s: UsageSchedule, takenOver = false): Promise<PeriodOutcome> {
    const t0 = Date.now();
    const windows = s.rangeMinutes === DAY_RANGE ? [[p.start, p.end] as [number, number]] : splitAtMidnights(p.start, p.end, s.aggregationTz);
    const records = await aggregatePeriod(this.db, id, windows);
    // Two servers writing different periods at once can deadlock on InnoDB's index gap locks;
    // the loser's transaction rolled back whole, so it simply tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.kysely.transaction().execute(async (trx) => {
          // Records and completion commit together, so a taken-over claim has none; be sure anyway.
          if (takenOver) await trx.deleteFrom('usage_records').where('period_id', '=', id).execute();
          for (let i = 0; i < records.length; i += INSERT_BATCH) await trx.insertInto('usage_records').values(records.slice(i, i + INSERT_BATCH)).execute();
          await trx.updateTable('usage_periods').set({ finished: this.clock(), records: records.length }).where('id', '=', id).execute();
        });
        break;
      } catch (e) {
        if (attempt >= 5 || !isRetryable(e)) throw e;
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
      }
    }
    this.log?.info({ start: new Date(p.start).toISOString(), end: new Date(p.end).toISOString(), records: records.length, ms: Date.now() - t0 }, 'usage period aggregated');
    return { start: p.start, end: p.end, records: records.length };
  }

  /** Periods claimed by a server that died before finishing: re-run them here. */
  private async takeOverStale(now: number, s: UsageSchedule): Promise<void> {
    const stale = await this.db.kysely.selectFrom('usage_periods').selectAll().where('finished', 'is', null).where('started', '<', now - STALE_CLAIM_MS).execute();
    for (const p of stale) {
      const r = await this.db.kysely.updateTable('usage_periods').set({ msid: this.msid, started: now }).where('id', '=', p.id).where('started', '=', p.started).where('finished', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) await this.complete(p.id, { start: Number(p.start_ms), end: Number(p.end_ms) }, s, true);
    }
  }

  /**
   * removeRawUsageRecords: deletes records that ended more than `days` days ago, and the raw
   * data (closed intervals, network byte counts) already aggregated into processed periods
   * before that cut-off.
   */
  async removeRaw(days: number): Promise<void> {
    if (!(days > 0)) throw paramError('Interval should be greater than 0.');
    const cutoff = this.clock() - days * 86_400_000;
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('usage_records').where('end_ms', '<', cutoff).execute();
      const done = await trx.selectFrom('usage_periods').select((eb) => eb.fn.max('end_ms').as('end')).where('finished', 'is not', null).executeTakeFirst();
      const upTo = Math.min(cutoff, Number(done?.end ?? 0));
      await trx.deleteFrom('usage_intervals').where('end_ms', 'is not', null).where('end_ms', '<=', upTo).execute();
      await trx.deleteFrom('usage_network_bytes').where('at_ms', '<', upTo).execute();
      // Counters of routers not sampled since the cut-off (stopped, destroyed, or an earlier boot).
      await trx.deleteFrom('usage_network_counters').where('updated', '<', cutoff).execute();
    });
  }
}
