import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cidrOf, cidrRange, formatIp, inCidr, ipsOf, netmaskToPrefix, parseCidr, parseIp, prefixToNetmask, rangesOverlap, rangeSize, sameSubnet } from './ipv4.js';

describe('ipv4', () => {
  it('parses and formats dotted quads strictly', () => {
    assert.equal(parseIp('10.1.2.3'), 0x0a010203);
    assert.equal(parseIp('255.255.255.255'), 0xffffffff);
    assert.equal(parseIp('0.0.0.0'), 0);
    for (const bad of ['10.1.2', '10.1.2.3.4', '256.1.1.1', '1.1.1.-1', '01.1.1.1', 'a.b.c.d', '', '1..1.1', '1.1.1.1 x']) assert.equal(parseIp(bad), undefined, bad);
    assert.equal(formatIp(0xc0a80101), '192.168.1.1');
    assert.equal(formatIp(0xffffffff), '255.255.255.255');
  });

  it('converts netmasks and prefixes', () => {
    assert.equal(netmaskToPrefix('255.255.255.0'), 24);
    assert.equal(netmaskToPrefix('255.255.240.0'), 20);
    assert.equal(netmaskToPrefix('0.0.0.0'), 0);
    assert.equal(netmaskToPrefix('255.255.255.255'), 32);
    assert.equal(netmaskToPrefix('255.0.255.0'), undefined);
    assert.equal(netmaskToPrefix('255.255.255.1'), undefined);
    assert.equal(prefixToNetmask(22), '255.255.252.0');
    assert.equal(prefixToNetmask(0), '0.0.0.0');
  });

  it('parses CIDRs, strictly when asked', () => {
    assert.deepEqual(parseCidr('10.1.1.0/24'), { network: 0x0a010100, prefix: 24 });
    assert.deepEqual(parseCidr('10.1.1.7/24'), { network: 0x0a010100, prefix: 24 });
    assert.equal(parseCidr('10.1.1.7/24', true), undefined);
    assert.equal(parseCidr('10.1.1.0/33'), undefined);
    assert.equal(parseCidr('10.1.1.0'), undefined);
    assert.equal(parseCidr('10.1.1/24'), undefined);
    assert.equal(cidrOf('192.168.5.1', '255.255.252.0'), '192.168.4.0/22');
    assert.equal(cidrOf('192.168.5.1', '255.0.255.0'), undefined);
  });

  it('answers membership, subnets and overlaps', () => {
    const c = parseCidr('172.16.0.0/12')!;
    assert.ok(inCidr(parseIp('172.31.255.255')!, c));
    assert.ok(!inCidr(parseIp('172.32.0.0')!, c));
    assert.ok(sameSubnet('10.0.0.1', '10.0.0.200', '255.255.255.0'));
    assert.ok(!sameSubnet('10.0.0.1', '10.0.1.1', '255.255.255.0'));
    assert.ok(!sameSubnet('10.0.0.1', 'x', '255.255.255.0'));
    assert.ok(rangesOverlap({ start: 1, end: 5 }, { start: 5, end: 9 }));
    assert.ok(!rangesOverlap({ start: 1, end: 4 }, { start: 5, end: 9 }));
    assert.ok(rangesOverlap({ start: 1, end: 10 }, { start: 3, end: 4 }));
    assert.deepEqual(cidrRange(parseCidr('10.0.0.0/30')!), { start: 0x0a000000, end: 0x0a000003 });
    assert.equal(rangeSize(cidrRange(parseCidr('0.0.0.0/0')!)), 2 ** 32);
  });

  it('enumerates a range', () => {
    assert.deepEqual([...ipsOf({ start: parseIp('10.0.0.254')!, end: parseIp('10.0.1.1')! })], ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  });
});
