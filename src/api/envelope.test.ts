import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLOUDSTACK_VERSION, hasNullField, jobResultBody, prune, syncBody, toJson, toXml } from './envelope.js';
import { listOf, objectOf, bareOf, success } from './define-command.js';
import { defineResponse } from './responses/define.js';
import { toErrorResponse, CloudError } from './errors.js';

const zone = defineResponse({ objectName: 'zone', className: 'ZoneResponse', fields: { id: 'string', name: 'string' } });
const z1 = { id: 'a', name: 'one' };
const z2 = { id: 'b', name: 'two' };

describe('JSON envelopes', () => {
  it('drops null fields at any depth, found by scanning the JSON text exactly', () => {
    assert.equal(toJson('r', { a: null, b: [{ c: null, d: 1 }], e: { f: null } }), '{"r":{"b":[{"d":1}],"e":{}}}');
    assert.equal(toJson('r', { 'k\\': null, x: 1 }), '{"r":{"x":1}}'); // a key ending in a backslash
    // Text that only looks like a null field inside a string value is left alone.
    for (const v of ['":null,', 'a\\":null}', '":null']) assert.equal(hasNullField(JSON.stringify({ s: v })), false, v);
    for (const o of [{ a: null }, { a: 1, b: null }, { l: [{ a: null }] }, { 'k\\': null }]) assert.equal(hasNullField(JSON.stringify(o)), true, JSON.stringify(o));
    assert.equal(hasNullField(JSON.stringify({ l: [null, 1] })), false); // array elements are not fields
  });

  it('lists: count and the item array, {} when empty, count only past the last page', () => {
    assert.equal(toJson('listzonesresponse', syncBody(listOf(zone), { items: [z1, z2], count: 2 })), '{"listzonesresponse":{"count":2,"zone":[{"id":"a","name":"one"},{"id":"b","name":"two"}]}}');
    assert.equal(toJson('listzonesresponse', syncBody(listOf(zone), { items: [], count: 0 })), '{"listzonesresponse":{}}');
    assert.equal(toJson('listzonesresponse', syncBody(listOf(zone), { items: [], count: 5 })), '{"listzonesresponse":{"count":5}}');
    // count is the total, not the page length
    assert.equal(toJson('listzonesresponse', syncBody(listOf(zone), { items: [z1], count: 7 })), '{"listzonesresponse":{"count":7,"zone":[{"id":"a","name":"one"}]}}');
  });

  it('single objects sit under their object name; bare bodies directly under the key', () => {
    assert.equal(toJson('createzoneresponse', syncBody(objectOf(zone), z1)), '{"createzoneresponse":{"zone":{"id":"a","name":"one"}}}');
    assert.equal(toJson('queryasyncjobresultresponse', syncBody(bareOf(zone), { jobid: 'j', jobstatus: 0 })), '{"queryasyncjobresultresponse":{"jobid":"j","jobstatus":0}}');
  });

  it('sync success is the string "true"; inside a job result it is a boolean with details', () => {
    assert.equal(toJson('deletezoneresponse', syncBody(success, undefined)), '{"deletezoneresponse":{"success":"true"}}');
    assert.equal(toJson('deletezoneresponse', syncBody(success, { success: true, displaytext: 'done' })), '{"deletezoneresponse":{"success":"true","displaytext":"done"}}');
    assert.deepEqual(jobResultBody(success, undefined), { success: true });
    assert.deepEqual(jobResultBody(success, { success: true, displaytext: 'gone' }), { success: true, details: 'gone' });
    assert.deepEqual(jobResultBody(objectOf(zone), z1), { zone: z1 });
    assert.deepEqual(jobResultBody(listOf(zone), { items: [z1], count: 1 }), { count: 1, zone: [z1] });
    assert.deepEqual(jobResultBody(listOf(zone), { items: [], count: 0 }), {});
  });

  it('omits null and undefined fields at every depth, keeps typed numbers, booleans and empty arrays', () => {
    const v = { a: null, b: undefined, c: 0, d: false, e: [], f: { g: null, h: 'x' }, i: [{ j: undefined, k: 1 }] };
    assert.deepEqual(prune(v), { c: 0, d: false, e: [], f: { h: 'x' }, i: [{ k: 1 }] });
    assert.equal(toJson('r', { n: 1, b: true, s: 'x', gone: null }), '{"r":{"n":1,"b":true,"s":"x"}}');
  });

  it('writes <, &, quotes and non-ASCII literally, with no whitespace', () => {
    assert.equal(toJson('r', { s: `<a href='x'>&ü"` }), `{"r":{"s":"<a href='x'>&ü\\""}}`);
  });

  it('error bodies: uuidList, errorcode, cserrorcode, errortext in that order', () => {
    const e = toErrorResponse(new CloudError('ParamError', 'bad'), true);
    assert.equal(toJson('listzonesresponse', e.body), '{"listzonesresponse":{"uuidList":[],"errorcode":431,"cserrorcode":4350,"errortext":"bad"}}');
    const u = toErrorResponse(new CloudError('Unauthorized', 'unable to verify user credentials and/or request signature'), false);
    assert.equal(toJson('errorresponse', u.body), '{"errorresponse":{"uuidList":[],"errorcode":401,"errortext":"unable to verify user credentials and/or request signature"}}');
  });
});

describe('XML envelopes', () => {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  it('lists repeat the item element after count, with the cloud-stack-version attribute', () => {
    const body = syncBody(listOf(zone), { items: [z1, z2], count: 2 });
    assert.equal(toXml('listzonesresponse', body, true), `${head}<listzonesresponse cloud-stack-version="${CLOUDSTACK_VERSION}"><count>2</count><zone><id>a</id><name>one</name></zone><zone><id>b</id><name>two</name></zone></listzonesresponse>`);
    assert.equal(toXml('listzonesresponse', syncBody(listOf(zone), { items: [], count: 0 }), true), `${head}<listzonesresponse cloud-stack-version="${CLOUDSTACK_VERSION}"></listzonesresponse>`);
  });

  it('omits the version attribute when asked (SYSTEM caller, unauthenticated errors)', () => {
    assert.equal(toXml('deletezoneresponse', syncBody(success, undefined), false), `${head}<deletezoneresponse><success>true</success></deletezoneresponse>`);
  });

  it('escapes " \' < > & and repeats string lists and nested objects', () => {
    const body = { name: `a<b>&"c'`, tags: ['x', 'y'], nic: [{ id: '1' }, { id: '2' }], empty: [], gone: null };
    assert.equal(toXml('r', body, false), `${head}<r><name>a&lt;b&gt;&amp;&quot;c&apos;</name><tags>x</tags><tags>y</tags><nic><id>1</id></nic><nic><id>2</id></nic></r>`);
  });

  it('error bodies carry errorcode, cserrorcode and errortext (no uuidList)', () => {
    const e = toErrorResponse(new CloudError('PermissionDenied', 'no <way>'), true);
    assert.equal(toXml('listzonesresponse', e.body, true), `${head}<listzonesresponse cloud-stack-version="${CLOUDSTACK_VERSION}"><errorcode>531</errorcode><cserrorcode>4365</cserrorcode><errortext>no &lt;way&gt;</errortext></listzonesresponse>`);
  });

  it('async answers put id and jobid directly under the root', () => {
    assert.equal(toXml('deployvirtualmachineresponse', { id: 'v', jobid: 'j' }, true), `${head}<deployvirtualmachineresponse cloud-stack-version="${CLOUDSTACK_VERSION}"><id>v</id><jobid>j</jobid></deployvirtualmachineresponse>`);
  });
});
