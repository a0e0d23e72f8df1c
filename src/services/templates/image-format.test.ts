import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { formatMatches, makeQcow2, parseChecksum, sniffCompression, sniffFormat } from './image-format.js';

describe('image formats', () => {
  it('parses CloudStack checksum forms', () => {
    assert.deepEqual(parseChecksum('{MD5}' + 'A'.repeat(32)), { algo: 'md5', hex: 'a'.repeat(32) });
    assert.deepEqual(parseChecksum('{SHA-1}' + 'b'.repeat(40)), { algo: 'sha1', hex: 'b'.repeat(40) });
    assert.deepEqual(parseChecksum('{SHA-256}' + 'c'.repeat(64)), { algo: 'sha256', hex: 'c'.repeat(64) });
    assert.deepEqual(parseChecksum('d'.repeat(32)), { algo: 'md5', hex: 'd'.repeat(32) });
    assert.deepEqual(parseChecksum('e'.repeat(64)), { algo: 'sha256', hex: 'e'.repeat(64) });
    assert.throws(() => parseChecksum('{MD5}' + 'a'.repeat(40)));
    assert.throws(() => parseChecksum('{CRC}abcd'));
    assert.throws(() => parseChecksum('xyz'));
    assert.throws(() => parseChecksum('abc'));
  });
  it('sniffs compression and formats', () => {
    const q = makeQcow2(10 * 1024 * 1024);
    assert.equal(sniffCompression(gzipSync(q)), 'gzip');
    assert.equal(sniffCompression(Buffer.from('BZh91AY')), 'bzip2');
    assert.equal(sniffCompression(Buffer.from([0x50, 0x4b, 3, 4])), 'zip');
    assert.equal(sniffCompression(q), 'none');
    assert.deepEqual(sniffFormat(q), { format: 'QCOW2', virtualSize: 10 * 1024 * 1024 });
    assert.equal(sniffFormat(Buffer.alloc(4096)).format, 'RAW');
    const vhd = Buffer.alloc(1024); vhd.write('conectix', 512, 'latin1'); vhd.writeBigUInt64BE(123n, 512 + 48);
    assert.deepEqual(sniffFormat(vhd.subarray(0, 512), vhd), { format: 'VHD', virtualSize: 123 });
    const tar = Buffer.alloc(1024); tar.write('ustar', 257, 'latin1');
    assert.equal(sniffFormat(tar).format, 'OVA');
    const iso = Buffer.alloc(0x9000); iso.write('CD001', 0x8001, 'latin1');
    assert.equal(sniffFormat(iso).format, 'ISO');
    assert.ok(formatMatches('QCOW2', 'QCOW2'));
    assert.ok(!formatMatches('QCOW2', 'RAW'));
    assert.ok(!formatMatches('RAW', 'QCOW2'));
    assert.ok(formatMatches('ISO', 'ISO'));
  });
  it('writes a qcow2 header qemu-img accepts', () => {
    const q = makeQcow2(1 << 30);
    assert.equal(q.readUInt32BE(36), 2);
    assert.equal(q.length, 4 * 65536);
  });
});
