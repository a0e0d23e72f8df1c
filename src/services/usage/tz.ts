/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: midnights and HH:MM
 * occurrences as UTC instants, DST included (a day is 23, 24 or 25 hours long).
 */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    FORMATTERS.set(tz, f);
  }
  return f;
}

/** True when Intl knows the zone (CloudStack's Appendix A names are IANA names). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface WallClock { y: number; mo: number; d: number; h: number; mi: number; s: number }

export function wallClock(ms: number, tz: string): WallClock {
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (New York in winter: -5 h). */
function offset(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which the wall clock of `tz` shows the given time (day may overflow, as in
 * Date.UTC). A time skipped by a DST jump maps to the instant just after the jump.
 */
export function zonedToUtc(tz: string, y: number, mo: number, d: number, h = 0, mi = 0): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const a = guess - offset(guess, tz);
  const b = guess - offset(a, tz);
  // The offset at the guess and at the answer differ when a DST change lies between them.
  for (const t of [a, b]) {
    const w = wallClock(t, tz);
    if (Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) === guess) return t;
  }
  return Math.max(a, b);
}

/** The midnight (in `tz`) that starts the day containing `ms`. */
export function startOfDay(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return zonedToUtc(tz, w.y, w.mo, w.d);
}

/** The midnight (in `tz`) that ends the day containing `ms`. */
export function nextMidnight(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return zonedToUtc(tz, w.y, w.mo, w.d + 1);
}

/** Splits [start, end) at every midnight of `tz` inside it. */
export function splitAtMidnights(start: number, end: number, tz: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let s = start;
  while (s < end) {
    const e = Math.min(end, nextMidnight(s, tz));
    out.push([s, e]);
    s = e;
  }
  return out;
}
