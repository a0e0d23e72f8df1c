/** IANA time-zone names, validated by the runtime's own tz database (Intl). */
const cache = new Map<string, boolean>();

export function isValidTimeZone(tz: string): boolean {
  let ok = cache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    cache.set(tz, ok);
  }
  return ok;
}

/** Offset of `tz` from UTC at `at`, as CloudStack's `timezoneoffset`: Java's `String.valueOf(float)` of hours ("-5.0", "5.75"). */
export function timeZoneOffsetHours(tz: string, at = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return '0.0';
  const h = Number(m[2]) + Number(m[3]) / 60;
  const text = Number.isInteger(h) ? h.toFixed(1) : String(h);
  return h === 0 ? '0.0' : `${m[1] === '-' ? '-' : ''}${text}`;
}
