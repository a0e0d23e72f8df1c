import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { frameUpdate, NATIVE_FORMAT, PATTERN_HEIGHT, PATTERN_WIDTH, patternPixel, startRfbServer } from './rfb-server.js';

describe('simulator RFB server', () => {
  it('encodes the pattern in the client\'s pixel format (16-bit big-endian RGB565 here)', () => {
    const f = { ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, bigEndian: true, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 };
    const m = frameUpdate(f);
    assert.equal(m.length, 16 + PATTERN_WIDTH * PATTERN_HEIGHT * 2);
    const at = (x: number, y: number) => m.readUInt16BE(16 + (y * PATTERN_WIDTH + x) * 2);
    const [r, g, b] = patternPixel(200, 20); // a red-ish bar
    assert.equal(at(200, 20), (Math.round((r * 31) / 255) << 11) | (Math.round((g * 63) / 255) << 5) | Math.round((b * 31) / 255));
    assert.equal(at(0, 0), 0xffff, 'white');
  });

  it('refuses a client speaking another protocol and closes its clients on close()', async () => {
    const srv = await startRfbServer('i-1-2-VM');
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: srv.port });
      s.on('data', () => s.write('HTTP/1.1 400\r\n'));
      s.on('close', () => resolve(true));
      s.on('error', () => undefined);
    });
    assert.equal(closed, true);
    srv.close();
  });
});
