/**
 * Which periods the usage job aggregates, from the seed's rules:
 * - `usage.stats.job.exec.time` (HH:MM in the execution time zone, GMT by default) is when the
 *   job runs; with a range of 1440 it runs once a day and processes the previous complete day,
 *   midnight to midnight in `usage.aggregation.timezone` (data after that midnight waits for the
 *   next run, as the seed's note says);
 * - any other range R (minutes) cuts time into R-minute periods anchored at the exec time; a
 *   period is processed once it has ended, and its records are split at the aggregation
 *   time zone's midnights.
 * Pure functions of the settings and the clock, so every server of a farm computes the same
 * periods (the claim in `usage_periods` then makes each run once).
 */
import { startOfDay, wallClock, zonedToUtc, nextMidnight } from './tz.js';

export interface UsageSchedule {
  /** HH:MM */
  execTime: string;
  rangeMinutes: number;
  aggregationTz: string;
  executionTz: string;
}

export interface Period { start: number; end: number }

export const DAY_RANGE = 1440;

export function parseExecTime(s: string): { h: number; mi: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return { h: 0, mi: 15 };
  return { h: Number(m[1]), mi: Number(m[2]) };
}

/** The latest exec-time occurrence at or before `now`. */
export function lastExecAt(now: number, s: UsageSchedule): number {
  const { h, mi } = parseExecTime(s.execTime);
  const w = wallClock(now, s.executionTz);
  const today = zonedToUtc(s.executionTz, w.y, w.mo, w.d, h, mi);
  return today <= now ? today : zonedToUtc(s.executionTz, w.y, w.mo, w.d - 1, h, mi);
}

/**
 * The instant up to which periods are due at `now`: for 1440, the aggregation-TZ midnight at
 * or before the last exec time; otherwise `now` itself (complete periods only).
 */
export function dueUntil(now: number, s: UsageSchedule): number {
  if (s.rangeMinutes === DAY_RANGE) return startOfDay(lastExecAt(now, s), s.aggregationTz);
  return now;
}

/** The period of the schedule's grid that contains `t`. */
export function periodContaining(t: number, s: UsageSchedule): Period {
  if (s.rangeMinutes === DAY_RANGE) {
    const start = startOfDay(t, s.aggregationTz);
    return { start, end: nextMidnight(start, s.aggregationTz) };
  }
  const { h, mi } = parseExecTime(s.execTime);
  // A fixed anchor (the exec time on 1970-01-01) keeps the grid stable when R does not divide a day.
  const anchor = zonedToUtc(s.executionTz, 1970, 1, 1, h, mi);
  const step = Math.max(1, s.rangeMinutes) * 60_000;
  const start = anchor + Math.floor((t - anchor) / step) * step;
  return { start, end: start + step };
}

/** The complete grid periods covering [from, until), clipped to that range. */
export function periodsBetween(from: number, until: number, s: UsageSchedule): Period[] {
  const out: Period[] = [];
  let t = from;
  while (t < until) {
    const p = periodContaining(t, s);
    if (p.end > until) break;
    out.push({ start: t, end: p.end });
    t = p.end;
  }
  return out;
}
