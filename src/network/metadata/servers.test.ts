/** The metadata and password services over real HTTP on loopback. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createMetadataServer, createPasswordServer, memoryPasswordStore, type GuestMetadata } from './servers.js';

const GUEST: GuestMetadata = {
  instanceId: 'i-uuid', vmId: 'i-uuid', localHostname: 'web1', localIpv4: '127.0.0.1', publicIpv4: '203.0.113.10', availabilityZone: 'z1',
  serviceOffering: 'Small Instance', userData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
};

async function listen(s: Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('metadata service', () => {
  let s: Server;
  let url = '';
  before(async () => {
    s = createMetadataServer((ip) => (ip === '127.0.0.1' ? GUEST : undefined));
    url = await listen(s);
  });
  after(() => new Promise<void>((r) => s.close(() => r())));

  it('serves user data decoded and every meta-data key by the caller IP', async () => {
    assert.equal(await (await fetch(`${url}/latest/user-data`)).text(), '#!/bin/sh\necho hi\n');
    const keys = (await (await fetch(`${url}/latest/meta-data/`)).text()).split('\n');
    assert.ok(keys.includes('instance-id') && keys.includes('public-ipv4'));
    const want: Record<string, string> = {
      'service-offering': 'Small Instance', 'availability-zone': 'z1', 'local-ipv4': '127.0.0.1', 'local-hostname': 'web1',
      'public-ipv4': '203.0.113.10', 'public-hostname': '203.0.113.10', 'instance-id': 'i-uuid', 'vm-id': 'i-uuid',
    };
    for (const [k, v] of Object.entries(want)) assert.equal(await (await fetch(`${url}/latest/meta-data/${k}`)).text(), v, k);
    assert.equal((await fetch(`${url}/latest/meta-data/nope`)).status, 404);
  });

  it('answers 404 to an unknown guest', async () => {
    const other = createMetadataServer(() => undefined);
    const u = await listen(other);
    assert.equal((await fetch(`${u}/latest/user-data`)).status, 404);
    await new Promise<void>((r) => other.close(() => r()));
  });
});

describe('password service (cloud-set-guest-password protocol)', () => {
  let s: Server;
  let url = '';
  const store = memoryPasswordStore({ '127.0.0.1': 's3cret' });
  before(async () => {
    s = createPasswordServer(store);
    url = await listen(s);
  });
  after(() => new Promise<void>((r) => s.close(() => r())));

  it('sends the password once, then saved_password after the acknowledgement', async () => {
    const ask = () => fetch(url, { headers: { DomU_Request: 'send_my_password' } }).then((r) => r.text());
    assert.equal(await ask(), 's3cret');
    assert.equal(await ask(), 's3cret');
    assert.equal(await fetch(url, { headers: { DomU_Request: 'saved_password' } }).then((r) => r.text()), 'saved_password');
    assert.equal(await ask(), 'saved_password');
    assert.deepEqual(store.pending(), []);
  });

  it('answers bad_request to anything else', async () => {
    const r = await fetch(url, { headers: { DomU_Request: 'what' } });
    assert.equal(await r.text(), 'bad_request');
    assert.equal(await fetch(url).then((x) => x.text()), 'bad_request');
  });
});
