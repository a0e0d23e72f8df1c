/**
 * A minimal real VNC server (RFB 3.8, RFC 6143) for a simulated VM's console: the version
 * handshake, security type None (it listens on loopback only, like QEMU's `-vnc 127.0.0.1:N`),
 * ServerInit, and Raw-encoded framebuffer updates of a fixed test pattern in whatever true-colour
 * pixel format the client sets. Key and pointer events are read and ignored. This is what lets the
 * whole console path (browser → management server → agent → host) be tested without QEMU.
 */
import { createServer, type Server, type Socket } from 'node:net';

export const PATTERN_WIDTH = 320;
export const PATTERN_HEIGHT = 200;

/** SMPTE-like colour bars over the top three quarters, a grey ramp below. */
const BARS: ReadonlyArray<readonly [number, number, number]> = [
  [255, 255, 255], [255, 255, 0], [0, 255, 255], [0, 255, 0], [255, 0, 255], [255, 0, 0], [0, 0, 255], [0, 0, 0],
];

/** The test pattern's colour at (x, y), for the server and for tests checking what arrived. */
export function patternPixel(x: number, y: number): [number, number, number] {
  if (y < (PATTERN_HEIGHT * 3) / 4) return [...BARS[Math.floor((x * BARS.length) / PATTERN_WIDTH)]!] as [number, number, number];
  const g = Math.round((x * 255) / (PATTERN_WIDTH - 1));
  return [g, g, g];
}

export interface PixelFormat {
  bitsPerPixel: number;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/** The server's native format: 32 bpp, depth 24, little-endian, 0x00RRGGBB. */
export const NATIVE_FORMAT: PixelFormat = {
  bitsPerPixel: 32, depth: 24, bigEndian: false, trueColour: true, redMax: 255, greenMax: 255, blueMax: 255, redShift: 16, greenShift: 8, blueShift: 0,
};

export function encodePixelFormat(f: PixelFormat): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(f.bitsPerPixel, 0);
  b.writeUInt8(f.depth, 1);
  b.writeUInt8(f.bigEndian ? 1 : 0, 2);
  b.writeUInt8(f.trueColour ? 1 : 0, 3);
  b.writeUInt16BE(f.redMax, 4);
  b.writeUInt16BE(f.greenMax, 6);
  b.writeUInt16BE(f.blueMax, 8);
  b.writeUInt8(f.redShift, 10);
  b.writeUInt8(f.greenShift, 11);
  b.writeUInt8(f.blueShift, 12);
  return b;
}

export function decodePixelFormat(b: Buffer): PixelFormat {
  return {
    bitsPerPixel: b.readUInt8(0), depth: b.readUInt8(1), bigEndian: b.readUInt8(2) !== 0, trueColour: b.readUInt8(3) !== 0,
    redMax: b.readUInt16BE(4), greenMax: b.readUInt16BE(6), blueMax: b.readUInt16BE(8), redShift: b.readUInt8(10), greenShift: b.readUInt8(11), blueShift: b.readUInt8(12),
  };
}

/** One FramebufferUpdate message holding the whole pattern as a single Raw rectangle. */
export function frameUpdate(f: PixelFormat): Buffer {
  const bytes = f.bitsPerPixel / 8;
  const head = Buffer.alloc(16);
  head.writeUInt8(0, 0); // FramebufferUpdate
  head.writeUInt16BE(1, 2); // one rectangle
  head.writeUInt16BE(PATTERN_WIDTH, 8);
  head.writeUInt16BE(PATTERN_HEIGHT, 10);
  head.writeInt32BE(0, 12); // Raw encoding
  const px = Buffer.alloc(PATTERN_WIDTH * PATTERN_HEIGHT * bytes);
  let o = 0;
  for (let y = 0; y < PATTERN_HEIGHT; y++) {
    for (let x = 0; x < PATTERN_WIDTH; x++) {
      const [r, g, b] = patternPixel(x, y);
      const v = ((Math.round((r * f.redMax) / 255) << f.redShift) | (Math.round((g * f.greenMax) / 255) << f.greenShift) | (Math.round((b * f.blueMax) / 255) << f.blueShift)) >>> 0;
      if (bytes === 4) f.bigEndian ? px.writeUInt32BE(v, o) : px.writeUInt32LE(v, o);
      else if (bytes === 2) f.bigEndian ? px.writeUInt16BE(v & 0xffff, o) : px.writeUInt16LE(v & 0xffff, o);
      else px.writeUInt8(v & 0xff, o);
      o += bytes;
    }
  }
  return Buffer.concat([head, px]);
}

/** Bytes each client-to-server message type needs before it can be handled (RFC 6143 §7.5). */
function messageLength(buf: Buffer): number | undefined {
  switch (buf[0]) {
    case 0: return 20; // SetPixelFormat
    case 2: return buf.length < 4 ? undefined : 4 + 4 * buf.readUInt16BE(2); // SetEncodings
    case 3: return 10; // FramebufferUpdateRequest
    case 4: return 8; // KeyEvent
    case 5: return 6; // PointerEvent
    case 6: return buf.length < 8 ? undefined : 8 + buf.readUInt32BE(4); // ClientCutText
    default: return -1;
  }
}

/** Serves one client connection until it closes or speaks something this server does not know. */
function serveClient(sock: Socket, desktopName: string): void {
  let buf = Buffer.alloc(0);
  let phase: 'version' | 'security' | 'init' | 'normal' = 'version';
  let format = NATIVE_FORMAT;
  sock.setNoDelay(true);
  sock.on('error', () => sock.destroy());
  sock.write('RFB 003.008\n');
  sock.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (phase === 'version') {
        if (buf.length < 12) return;
        if (!/^RFB 003\.00[378]\n$/.test(buf.subarray(0, 12).toString('latin1'))) return void sock.destroy();
        buf = buf.subarray(12);
        sock.write(Buffer.from([1, 1])); // one security type: None
        phase = 'security';
      } else if (phase === 'security') {
        if (buf.length < 1) return;
        if (buf[0] !== 1) return void sock.destroy();
        buf = buf.subarray(1);
        sock.write(Buffer.from([0, 0, 0, 0])); // SecurityResult OK
        phase = 'init';
      } else if (phase === 'init') {
        if (buf.length < 1) return;
        buf = buf.subarray(1); // shared flag: every client shares the one pattern
        const name = Buffer.from(desktopName, 'utf8');
        const size = Buffer.alloc(4);
        size.writeUInt16BE(PATTERN_WIDTH, 0);
        size.writeUInt16BE(PATTERN_HEIGHT, 2);
        const len = Buffer.alloc(4);
        len.writeUInt32BE(name.length, 0);
        sock.write(Buffer.concat([size, encodePixelFormat(NATIVE_FORMAT), len, name]));
        phase = 'normal';
      } else {
        if (buf.length < 1) return;
        const need = messageLength(buf);
        if (need === -1) return void sock.destroy();
        if (need === undefined || buf.length < need) return;
        const msg = buf.subarray(0, need);
        buf = buf.subarray(need);
        if (msg[0] === 0) {
          const f = decodePixelFormat(msg.subarray(4, 20));
          if (!f.trueColour || ![8, 16, 32].includes(f.bitsPerPixel)) return void sock.destroy();
          format = f;
        } else if (msg[0] === 3 && msg[1] === 0) {
          // The pattern never changes, so only full (non-incremental) requests get an answer;
          // incremental ones wait, which RFB allows.
          sock.write(frameUpdate(format));
        }
      }
    }
  });
}

/** A listening RFB server on 127.0.0.1 (random port) showing the pattern; closed with `close()`. */
export async function startRfbServer(desktopName: string): Promise<{ port: number; close(): void }> {
  const clients = new Set<Socket>();
  const server: Server = createServer((sock) => {
    clients.add(sock);
    sock.on('close', () => clients.delete(sock));
    serveClient(sock, desktopName);
  });
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    close() {
      server.close();
      for (const c of clients) c.destroy();
    },
  };
}
