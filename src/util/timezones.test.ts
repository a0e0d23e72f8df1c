import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidTimeZone, timeZoneOffsetHours } from './timezones.js';

describe('time zones', () => {
  it('accepts IANA names, including the usual CloudStack UI list', () => {
    for (const tz of ['UTC', 'Etc/GMT+12', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Auckland', 'America/Sao_Paulo', 'Asia/Kathmandu', 'Africa/Nairobi']) {
      assert.ok(isValidTimeZone(tz), tz);
    }
  });

  it('refuses names that are not time zones', () => {
    for (const tz of ['Mars/Olympus', 'Europe/Nowhere', 'not a zone', '', 'GMT+25']) assert.equal(isValidTimeZone(tz), false, tz);
  });

  it('gives the offset in hours as CloudStack does ("-5.0", "5.5")', () => {
    const winter = new Date('2026-01-15T12:00:00Z');
    const summer = new Date('2026-07-15T12:00:00Z');
    assert.equal(timeZoneOffsetHours('UTC', winter), '0.0');
    assert.equal(timeZoneOffsetHours('America/New_York', winter), '-5.0');
    assert.equal(timeZoneOffsetHours('America/New_York', summer), '-4.0');
    assert.equal(timeZoneOffsetHours('Asia/Kolkata', winter), '5.5');
    assert.equal(timeZoneOffsetHours('Asia/Kathmandu', winter), '5.75');
    assert.equal(timeZoneOffsetHours('America/St_Johns', winter), '-3.5');
  });
});
