/**
 * The seed's scheduling rules as pure functions: the New York example (exec 07:00 GMT, range
 * 1440, America/New_York), DST days of 23 and 25 hours, sub-day ranges anchored at the exec
 * time, and splits at the aggregation time zone's midnights. Expected instants are written
 * out by hand (EST = UTC-5, EDT = UTC-4; 2026 DST: 8 March and 1 November).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dueUntil, lastExecAt, periodContaining, periodsBetween, type UsageSchedule } from './schedule.js';
import { splitAtMidnights, zonedToUtc, isValidTimeZone } from './tz.js';

const Z = (s: string) => Date.parse(s);
const H = 3_600_000;
const NY: UsageSchedule = { execTime: '07:00', rangeMinutes: 1440, aggregationTz: 'America/New_York', executionTz: 'GMT' };

describe('usage schedule', () => {
  it('New York example: the 07:00 GMT run processes the previous New York day, midnight to midnight', () => {
    assert.equal(lastExecAt(Z('2026-10-07T07:00:00Z'), NY), Z('2026-10-07T07:00:00Z'));
    assert.equal(dueUntil(Z('2026-10-07T07:00:00Z'), NY), Z('2026-10-07T04:00:00Z'), 'October 7 starts at 04:00 GMT in EDT');
    assert.deepEqual(periodContaining(Z('2026-10-06T12:00:00Z'), NY), { start: Z('2026-10-06T04:00:00Z'), end: Z('2026-10-07T04:00:00Z') });
    // One minute before the run, October 6 is not due yet; the data of October 7 before 07:00 GMT waits for the next day.
    assert.equal(dueUntil(Z('2026-10-07T06:59:00Z'), NY), Z('2026-10-06T04:00:00Z'));
    assert.deepEqual(periodsBetween(Z('2026-10-05T04:00:00Z'), dueUntil(Z('2026-10-07T07:00:00Z'), NY), NY), [
      { start: Z('2026-10-05T04:00:00Z'), end: Z('2026-10-06T04:00:00Z') },
      { start: Z('2026-10-06T04:00:00Z'), end: Z('2026-10-07T04:00:00Z') },
    ]);
  });

  it('DST: the spring-forward day has 23 hours, the fall-back day 25, in the aggregation zone', () => {
    const spring = periodContaining(Z('2026-03-08T12:00:00Z'), NY);
    assert.deepEqual(spring, { start: Z('2026-03-08T05:00:00Z'), end: Z('2026-03-09T04:00:00Z') });
    assert.equal(spring.end - spring.start, 23 * H);
    const fall = periodContaining(Z('2026-11-01T12:00:00Z'), NY);
    assert.deepEqual(fall, { start: Z('2026-11-01T04:00:00Z'), end: Z('2026-11-02T05:00:00Z') });
    assert.equal(fall.end - fall.start, 25 * H);
  });

  it('a sub-day range cuts periods anchored at the exec time; records split at aggregation midnights', () => {
    const hourly: UsageSchedule = { execTime: '00:15', rangeMinutes: 60, aggregationTz: 'GMT', executionTz: 'GMT' };
    assert.deepEqual(periodContaining(Z('2026-05-01T10:40:00Z'), hourly), { start: Z('2026-05-01T10:15:00Z'), end: Z('2026-05-01T11:15:00Z') });
    assert.equal(dueUntil(Z('2026-05-01T10:40:00Z'), hourly), Z('2026-05-01T10:40:00Z'));
    assert.deepEqual(periodsBetween(Z('2026-05-01T08:15:00Z'), Z('2026-05-01T10:40:00Z'), hourly).map((p) => p.start), [Z('2026-05-01T08:15:00Z'), Z('2026-05-01T09:15:00Z')]);
    const tenHours: UsageSchedule = { execTime: '00:00', rangeMinutes: 600, aggregationTz: 'America/New_York', executionTz: 'GMT' };
    const p = periodContaining(Z('2026-01-02T02:00:00Z'), tenHours);
    assert.equal(p.end - p.start, 10 * H);
    assert.equal((p.start - Z('1970-01-01T00:00:00Z')) % (10 * H), 0, 'a fixed grid even though ten hours do not divide a day');
    assert.deepEqual(splitAtMidnights(Z('2026-01-01T20:00:00Z'), Z('2026-01-02T06:00:00Z'), 'America/New_York'), [
      [Z('2026-01-01T20:00:00Z'), Z('2026-01-02T05:00:00Z')], [Z('2026-01-02T05:00:00Z'), Z('2026-01-02T06:00:00Z')],
    ]);
  });

  it('wall clock to instant, including a time the spring-forward skips', () => {
    assert.equal(zonedToUtc('America/New_York', 2026, 1, 15, 9, 30), Z('2026-01-15T14:30:00Z'));
    assert.equal(zonedToUtc('America/New_York', 2026, 7, 15, 9, 30), Z('2026-07-15T13:30:00Z'));
    assert.equal(zonedToUtc('Asia/Kolkata', 2026, 7, 15, 0, 0), Z('2026-07-14T18:30:00Z'));
    const skipped = zonedToUtc('America/New_York', 2026, 3, 8, 2, 30);
    assert.ok(skipped >= Z('2026-03-08T06:30:00Z') && skipped <= Z('2026-03-08T07:30:00Z'));
    assert.equal(isValidTimeZone('America/New_York'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
  });
});
