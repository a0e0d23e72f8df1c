import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { p, parseCloudDate, parseParams, type ParamSpecs } from './params.js';
import { CloudError, toErrorResponse } from './errors.js';
import type { EntityName } from './entities.js';

const KNOWN = '0b7c3a34-6f0e-4f7e-9a55-3c1d1b0a9e01';
const resolve = async (_e: EntityName, uuid: string) => (uuid === KNOWN ? 42 : undefined);
const parse = (specs: ParamSpecs, raw: Record<string, string>, allowed = true) =>
  parseParams(specs, { commandLabel: 'listaccounts', resolve, raw }, () => allowed);

/** Asserts a rejection with this kind, HTTP code and exact text. */
async function rejects(promise: Promise<unknown>, code: number, text: string, cserrorcode?: number): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof CloudError, String(e));
    const r = toErrorResponse(e, true);
    assert.equal(r.status, code);
    assert.equal(r.body.errortext, text);
    if (cserrorcode !== undefined) assert.equal(r.body.cserrorcode, cserrorcode);
    return true;
  });
}

describe('parameter coercion (ParamProcessWorker)', () => {
  it('booleans are true only for "true" in any case (Python True/False included)', async () => {
    const specs = { a: p.boolean(), b: p.boolean(), c: p.boolean(), d: p.boolean() };
    assert.deepEqual(await parse(specs, { a: 'True', b: 'False', c: 'TRUE', d: 'yes' }), { a: true, b: false, c: true, d: false });
  });

  it('numbers: integers strictly, floats, blanks left unset, bad values 431 naming the parameter', async () => {
    const specs = { n: p.integer(), l: p.long(), f: p.double(), s: p.short() };
    assert.deepEqual(await parse(specs, { n: ' 12 ', l: '-9007199254740991', f: '1.5', s: '' }), { n: 12, l: -9007199254740991, f: 1.5 });
    await rejects(parse(specs, { n: 'abc' }), 431, 'Unable to execute API command listaccounts due to invalid value abc for parameter n', 9999);
    await rejects(parse(specs, { n: '1.5' }), 431, 'Unable to execute API command listaccounts due to invalid value 1.5 for parameter n');
    await rejects(parse(specs, { n: '0x10' }), 431, 'Unable to execute API command listaccounts due to invalid value 0x10 for parameter n');
    await rejects(parse(specs, { n: '2147483648' }), 431, 'Unable to execute API command listaccounts due to invalid value 2147483648 for parameter n');
    await rejects(parse(specs, { s: '40000' }), 431, 'Unable to execute API command listaccounts due to invalid value 40000 for parameter s');
    await rejects(parse(specs, { f: 'NaN' }), 431, 'Unable to execute API command listaccounts due to invalid value NaN for parameter f');
  });

  it('lists split on commas and drop empty tokens', async () => {
    const specs = { names: p.stringList(), ids: p.longList(), uuids: p.uuidList({ entity: 'Account' }) };
    assert.deepEqual(await parse(specs, { names: 'a,,b, c,', ids: '1,2', uuids: `${KNOWN},${KNOWN.toUpperCase()}` }), { names: ['a', 'b', 'c'], ids: [1, 2], uuids: [42, 42] });
    await rejects(parse(specs, { ids: '1,x' }), 431, 'Unable to execute API command listaccounts due to invalid value x for parameter ids');
  });

  it('maps arrive as name[i].key=value, ordered by index', async () => {
    const specs = { tags: p.map(), details: p.map() };
    const raw = { 'tags[1].key': 'b', 'tags[1].value': '2', 'tags[0].key': 'a', 'tags[0].value': '1', 'details[0].cpuNumber': '2' };
    assert.deepEqual(await parse(specs, raw), { tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], details: [{ cpuNumber: '2' }] });
    await assert.rejects(parse(specs, { 'tags[x].key': 'a' }), (e: unknown) => e instanceof CloudError && toErrorResponse(e, true).status === 430);
    await assert.rejects(parse(specs, { 'tags[0]': 'a' }), (e: unknown) => e instanceof CloudError && toErrorResponse(e, true).status === 430);
    await rejects(parse({ tags: p.map({ required: true }) }, {}), 431, 'Unable to execute API command listaccounts due to missing parameter tags');
  });

  it('strings longer than their length are refused with CloudStack\'s text', async () => {
    const specs = { name: p.string(), desc: p.string({ length: 10 }) };
    assert.deepEqual(await parse(specs, { name: 'x'.repeat(255) }), { name: 'x'.repeat(255) });
    await rejects(parse(specs, { name: 'x'.repeat(256) }), 431, 'Value greater than max allowed length 255 for param: name');
    await rejects(parse(specs, { desc: 'x'.repeat(11) }), 431, 'Value greater than max allowed length 10 for param: desc');
  });

  it('control characters in any value are refused, LF and CR are allowed', async () => {
    const specs = { name: p.string() };
    assert.deepEqual(await parse(specs, { name: 'a\nb\r' }), { name: 'a\nb\r' });
    await rejects(parse(specs, { name: 'a\tb' }), 431, 'Received value containing illegal ASCII non-printable characters for parameter name');
    await rejects(parse(specs, { undeclared: 'a\u0001' }), 431, 'Received value containing illegal ASCII non-printable characters for parameter undeclared');
    await rejects(parse(specs, { name: 'a\u007f' }), 431, 'Received value containing illegal ASCII non-printable characters for parameter name');
  });

  it('treats the literal None (libcloud) and empty values as absent; a required one is 431', async () => {
    const specs = { forced: p.boolean(), networkid: p.uuid({ entity: 'Network' }), name: p.string({ required: true }) };
    assert.deepEqual(await parse(specs, { forced: 'None', networkid: 'None', name: 'x' }), { name: 'x' });
    await rejects(parse(specs, { name: 'None' }), 431, 'Invalid value provided for API arg: name');
    await rejects(parse(specs, { name: '' }), 431, 'Invalid value provided for API arg: name');
  });

  it('missing required parameters name the command and the parameter', async () => {
    await rejects(parse({ id: p.uuid({ entity: 'Account', required: true }) }, {}), 431, 'Unable to execute API command listaccounts due to missing parameter id', 9999);
  });

  it('resolves UUIDs (any case) to internal ids; an unknown one is the 431 go-cloudstack recognises', async () => {
    const specs = { id: p.uuid({ entity: 'Account' }) };
    assert.deepEqual(await parse(specs, { id: KNOWN.toUpperCase() }), { id: 42 });
    const unknown = '11111111-2222-3333-4444-555555555555';
    const text = `Unable to execute API command listaccounts due to invalid value. Invalid parameter id value=${unknown} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`;
    await rejects(parse(specs, { id: unknown }), 431, text);
    assert.match(text, /Invalid parameter id value=.* due to incorrect long value format, or entity does not exist/);
    await rejects(parse(specs, { id: 'not-a-uuid' }), 431, 'Unable to execute API command listaccounts due to invalid value. Invalid parameter id value=not-a-uuid due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.');
  });

  it('silently ignores a non-UUID value of a parameter added after 3.x (since set)', async () => {
    assert.deepEqual(await parse({ roleid: p.uuid({ entity: 'Role', since: '4.9.0' }) }, { roleid: 'abc' }), {});
  });

  it('drops role-restricted parameters for other roles', async () => {
    const specs = { apikeyaccess: p.string({ roles: ['Admin'] }), name: p.string() };
    assert.deepEqual(await parse(specs, { apikeyaccess: 'enabled', name: 'n' }, false), { name: 'n' });
    assert.deepEqual(await parse(specs, { apikeyaccess: 'enabled', name: 'n' }, true), { apikeyaccess: 'enabled', name: 'n' });
  });

  it('accepts CloudStack date forms; startdate/enddate dates span whole days', async () => {
    const specs = { startdate: p.date(), enddate: p.date() };
    const r = await parse(specs, { startdate: '2025-01-02', enddate: '2025-01-03' });
    assert.equal((r['startdate'] as Date).toISOString(), '2025-01-02T00:00:00.000Z');
    assert.equal((r['enddate'] as Date).toISOString(), '2025-01-03T23:59:59.000Z');
    assert.equal(parseCloudDate('2025-01-01T12:00:00+0000')?.toISOString(), '2025-01-01T12:00:00.000Z');
    assert.equal(parseCloudDate('2025-01-01T12:00:00+02:00')?.toISOString(), '2025-01-01T10:00:00.000Z');
    assert.equal(parseCloudDate('2025-01-01T12:00:00Z')?.toISOString(), '2025-01-01T12:00:00.000Z');
    assert.equal(parseCloudDate('2025-01-01T12:00:00.123456Z')?.toISOString(), '2025-01-01T12:00:00.123Z');
    assert.equal(parseCloudDate('2025-01-01 12:00:00')?.toISOString(), '2025-01-01T12:00:00.000Z');
    assert.equal(parseCloudDate('yesterday'), undefined);
    assert.equal(parseCloudDate('2025-13-45'), undefined);
    assert.equal(parseCloudDate('2025-02-30'), undefined);
    assert.equal(parseCloudDate('2025-02-29'), undefined);
    assert.equal(parseCloudDate('2024-02-29')?.toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(parseCloudDate('2000-02-29')?.toISOString(), '2000-02-29T00:00:00.000Z');
    assert.equal(parseCloudDate('1900-02-29'), undefined);
    assert.equal(parseCloudDate('2025-04-31'), undefined);
    assert.equal(parseCloudDate('2025-00-10'), undefined);
    assert.equal(parseCloudDate('2025-12-31T23:59:59+0000')?.toISOString(), '2025-12-31T23:59:59.000Z');
    assert.equal(parseCloudDate('2025-01-01T25:00:00Z'), undefined);
    await rejects(parse(specs, { startdate: 'soon' }), 431, 'Unable to parse date soon for command listaccounts, please pass dates in the format mentioned in the api documentation');
  });
});
