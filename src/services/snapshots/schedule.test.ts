import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTimeZone, nextRun, parseSchedule } from './schedule.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

/** Every run from `from` for `n` runs. */
function runs(interval: 'HOURLY' | 'DAILY' | 'WEEKLY' | 'MONTHLY', sched: string, tz: string, from: string, n: number): string[] {
  const s = parseSchedule(interval, sched);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) out.push(iso((t = nextRun(s, tz, t))));
  return out;
}

describe('snapshot policy schedules', () => {
  it('validates formats and ranges as CloudStack does', () => {
    assert.deepEqual(parseSchedule('HOURLY', '15'), { interval: 'HOURLY', minute: 15, hour: 0, day: 0 });
    assert.deepEqual(parseSchedule('WEEKLY', '30:02:1'), { interval: 'WEEKLY', minute: 30, hour: 2, day: 1 });
    for (const [i, s] of [['HOURLY', '60'], ['HOURLY', '1:2'], ['DAILY', '10'], ['DAILY', '10:24'], ['WEEKLY', '0:0:8'], ['WEEKLY', '0:0:0'], ['MONTHLY', '0:0:29'], ['MONTHLY', 'a:0:1']] as const) {
      assert.throws(() => parseSchedule(i, s), /Invalid schedule/, `${i} ${s}`);
    }
    checkTimeZone('Europe/Berlin');
    assert.throws(() => checkTimeZone('Mars/Olympus'), /Invalid timezone/);
  });

  it('hourly fires every real hour at the local minute, in whole- and half-hour zones', () => {
    assert.deepEqual(runs('HOURLY', '15', 'UTC', '2026-03-01T10:15:00Z', 2), ['2026-03-01T11:15:00.000Z', '2026-03-01T12:15:00.000Z']);
    assert.deepEqual(runs('HOURLY', '00', 'Asia/Kolkata', '2026-03-01T10:00:00Z', 2), ['2026-03-01T10:30:00.000Z', '2026-03-01T11:30:00.000Z']);
    // US fall back (2026-11-01 02:00 EDT → 01:00 EST): 01:15 local happens twice and both are real hours.
    assert.deepEqual(runs('HOURLY', '15', 'America/New_York', '2026-11-01T04:00:00Z', 4),
      ['2026-11-01T04:15:00.000Z', '2026-11-01T05:15:00.000Z', '2026-11-01T06:15:00.000Z', '2026-11-01T07:15:00.000Z']);
  });

  it('daily keeps the wall-clock time across DST: skipped hour moves forward, repeated hour fires once', () => {
    // Berlin spring forward 2026-03-29 02:00 → 03:00: 02:30 does not exist that day.
    assert.deepEqual(runs('DAILY', '30:02', 'Europe/Berlin', '2026-03-27T12:00:00Z', 4),
      ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    // Berlin fall back 2026-10-25 03:00 → 02:00: 02:30 happens twice; one run, at the first.
    assert.deepEqual(runs('DAILY', '30:02', 'Europe/Berlin', '2026-10-24T12:00:00Z', 3),
      ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
    // New York: 09:00 local is 14:00Z in winter and 13:00Z in summer.
    assert.deepEqual(runs('DAILY', '00:09', 'America/New_York', '2026-03-07T00:00:00Z', 3),
      ['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('weekly uses 1 = Sunday; monthly a day of month; a time zone east of UTC changes the date', () => {
    // 2026-03-01 is a Sunday.
    assert.deepEqual(runs('WEEKLY', '00:12:1', 'UTC', '2026-03-01T13:00:00Z', 2), ['2026-03-08T12:00:00.000Z', '2026-03-15T12:00:00.000Z']);
    assert.deepEqual(runs('WEEKLY', '00:12:7', 'UTC', '2026-03-01T13:00:00Z', 1), ['2026-03-07T12:00:00.000Z']);
    assert.deepEqual(runs('MONTHLY', '00:01:28', 'Asia/Tokyo', '2026-01-01T00:00:00Z', 3),
      ['2026-01-27T16:00:00.000Z', '2026-02-27T16:00:00.000Z', '2026-03-27T16:00:00.000Z']);
  });
});
