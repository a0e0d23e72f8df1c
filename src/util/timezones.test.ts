import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidTimeZone, timeZoneOffsetHours } from './timezones.js';

/** The time zones CloudStack's admin guide lists as accepted (Appendix A). */
const APPENDIX_A = [
  'Etc/GMT+12', 'Etc/GMT+11', 'Pacific/Samoa', 'Pacific/Honolulu', 'US/Alaska', 'America/Los_Angeles', 'Mexico/BajaNorte', 'US/Arizona',
  'US/Mountain', 'America/Chihuahua', 'America/Chicago', 'America/Costa_Rica', 'America/Mexico_City', 'Canada/Saskatchewan', 'America/Bogota',
  'America/New_York', 'America/Caracas', 'America/Asuncion', 'America/Cuiaba', 'America/Halifax', 'America/La_Paz', 'America/Santiago',
  'America/St_Johns', 'America/Araguaina', 'America/Argentina/Buenos_Aires', 'America/Cayenne', 'America/Godthab', 'America/Montevideo', 'Etc/GMT+2',
  'Atlantic/Azores', 'Atlantic/Cape_Verde', 'Africa/Casablanca', 'Etc/UTC', 'Atlantic/Reykjavik', 'Europe/London', 'CET', 'Europe/Bucharest',
  'Africa/Johannesburg', 'Asia/Beirut', 'Africa/Cairo', 'Asia/Jerusalem', 'Europe/Minsk', 'Europe/Moscow', 'Africa/Nairobi', 'Asia/Karachi',
  'Asia/Kolkata', 'Asia/Bangkok', 'Asia/Shanghai', 'Asia/Kuala_Lumpur', 'Australia/Perth', 'Asia/Taipei', 'Asia/Tokyo', 'Asia/Seoul',
  'Australia/Adelaide', 'Australia/Darwin', 'Australia/Brisbane', 'Australia/Canberra', 'Pacific/Guam', 'Pacific/Auckland',
];

describe('time zones', () => {
  it('accepts IANA names, including the usual CloudStack UI list', () => {
    for (const tz of ['UTC', 'Etc/GMT+12', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Auckland', 'America/Sao_Paulo', 'Asia/Kathmandu', 'Africa/Nairobi']) {
      assert.ok(isValidTimeZone(tz), tz);
    }
  });

  it("accepts every zone of the admin guide's Appendix A", () => {
    assert.equal(APPENDIX_A.length, 59);
    for (const tz of APPENDIX_A) assert.ok(isValidTimeZone(tz), tz);
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
