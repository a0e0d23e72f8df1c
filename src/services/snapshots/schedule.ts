/**
 * Snapshot policy schedules (CloudStack's DateUtil): HOURLY `MM`, DAILY `MM:HH`, WEEKLY
 * `MM:HH:D` (D 1-7, 1 = Sunday as Java's Calendar), MONTHLY `MM:HH:DD` (DD 1-28), read as
 * wall-clock time in the policy's time zone. Pure functions over epoch ms using Intl's
 * time-zone data, so daylight-saving changes come from the same tz database the OS uses:
 * - an hourly policy fires every real hour at local minute MM (both 01:MM of a fall-back night);
 * - a wall time that does not exist (spring forward) fires at the same clock time after the
 *   jump (02:30 → 03:30), as Java's lenient Calendar does;
 * - a wall time that occurs twice (fall back) fires once, at the first occurrence.
 */
import { paramError } from '../../api/errors.js';
import type { IntervalType } from './snapshot.queries.js';

export interface Schedule {
  interval: IntervalType;
  minute: number;
  hour: number;
  /** Weekday 1-7 (1 = Sunday) for WEEKLY, day of month 1-28 for MONTHLY. */
  day: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function field(s: string | undefined, min: number, max: number, what: string, raw: string): number {
  if (s === undefined || !/^\d{1,2}$/.test(s)) throw paramError(`Invalid schedule: ${raw} (${what} is missing or not a number)`);
  const n = Number(s);
  if (n < min || n > max) throw paramError(`Invalid schedule: ${raw} (${what} must be from ${min} to ${max})`);
  return n;
}

/** Parses and validates a schedule for its interval type (431 on a bad one). */
export function parseSchedule(interval: IntervalType, raw: string): Schedule {
  const parts = raw.trim().split(':');
  const want = { HOURLY: 1, DAILY: 2, WEEKLY: 3, MONTHLY: 3 }[interval];
  const formats = { HOURLY: 'MM', DAILY: 'MM:HH', WEEKLY: 'MM:HH:DD (DD 1-7)', MONTHLY: 'MM:HH:DD (DD 1-28)' }[interval];
  if (parts.length !== want) throw paramError(`Invalid schedule: ${raw} for interval type ${interval}; the format is ${formats}`);
  const minute = field(parts[0], 0, 59, 'minute', raw);
  const hour = want >= 2 ? field(parts[1], 0, 23, 'hour', raw) : 0;
  const day = interval === 'WEEKLY' ? field(parts[2], 1, 7, 'day of week', raw) : interval === 'MONTHLY' ? field(parts[2], 1, 28, 'day of month', raw) : 0;
  return { interval, minute, hour, day };
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(tz, f);
  }
  return f;
}

/** Throws 431 unless `tz` is a time zone the tz database knows. */
export function checkTimeZone(tz: string): void {
  try {
    formatter(tz);
  } catch {
    throw paramError(`Invalid timezone: ${tz}`);
  }
}

/** The zone's UTC offset at instant `ms`, in ms (local wall clock = ms + offset). */
export function offsetAt(tz: string, ms: number): number {
  const p: Record<string, number> = {};
  for (const x of formatter(tz).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const wall = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant of a wall-clock time (given as a UTC-encoded number) in `tz`, with the DST rules above. */
export function wallToInstant(tz: string, wall: number): number {
  const offsets = [...new Set([offsetAt(tz, wall - DAY), offsetAt(tz, wall + DAY)])];
  const valid = offsets.map((o) => wall - o).filter((t) => offsetAt(tz, t) === wall - t);
  if (valid.length) return Math.min(...valid);
  return wall - Math.min(...offsets);
}

/** The first run strictly after `after` (epoch ms). */
export function nextRun(s: Schedule, tz: string, after: number): number {
  if (s.interval === 'HOURLY') {
    let best = Infinity;
    for (const o of new Set([offsetAt(tz, after), offsetAt(tz, after + 2 * HOUR)])) {
      const local = after + o;
      let cand = local - (((local % HOUR) + HOUR) % HOUR) + s.minute * MINUTE;
      if (cand <= local) cand += HOUR;
      const t = cand - o;
      if (offsetAt(tz, t) === o && t < best) best = t;
    }
    return best;
  }
  const local = after + offsetAt(tz, after);
  const today = local - (((local % DAY) + DAY) % DAY);
  // At most a month and a few days ahead (MONTHLY day ≤ 28), plus a day for DST edges.
  for (let i = -1; i < 40; i++) {
    const day = today + i * DAY;
    const d = new Date(day);
    if (s.interval === 'WEEKLY' && d.getUTCDay() + 1 !== s.day) continue;
    if (s.interval === 'MONTHLY' && d.getUTCDate() !== s.day) continue;
    const t = wallToInstant(tz, day + s.hour * HOUR + s.minute * MINUTE);
    if (t > after) return t;
  }
  throw new Error(`No next run for schedule ${JSON.stringify(s)} in ${tz}`);
}
