/**
 * A small RFB 3.8 viewer over a WebSocket (what noVNC does, minus the drawing): version and
 * security None handshake, ServerInit, SetPixelFormat to 32-bit little-endian 0x00RRGGBB and one
 * full FramebufferUpdateRequest answered with Raw rectangles, returned as a pixel reader.
 */
import WebSocket from 'ws';

export interface RfbFrame {
  width: number;
  height: number;
  name: string;
  /** [r, g, b] at (x, y). */
  pixel(x: number, y: number): [number, number, number];
}

/** Buffers a WebSocket's binary messages and hands them out by byte count. */
class Reader {
  private buf = Buffer.alloc(0);
  private want: { n: number; resolve(b: Buffer): void; reject(e: Error): void } | undefined;
  private error: Error | undefined;

  constructor(ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.pump();
    });
    ws.on('close', () => this.fail(new Error('the console WebSocket closed')));
    ws.on('error', (e) => this.fail(e));
    ws.on('unexpected-response', () => this.fail(new Error('the console WebSocket was refused')));
  }

  private fail(e: Error): void {
    this.error ??= e;
    if (this.want) this.want.reject(this.error);
    this.want = undefined;
  }

  private pump(): void {
    if (this.want && this.buf.length >= this.want.n) {
      const { n, resolve } = this.want;
      this.want = undefined;
      const out = this.buf.subarray(0, n);
      this.buf = this.buf.subarray(n);
      resolve(out);
    }
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.want = { n, resolve, reject };
      this.pump();
      if (this.want && this.error) this.fail(this.error);
    });
  }
}

export type ConsoleSocket = WebSocket & { reader: Reader };

/**
 * Opens `url` (a console WebSocket URL with its token); rejects with the HTTP status when refused.
 * The reader listens from the start: the server's first bytes may arrive with the upgrade
 * response and be emitted in the same tick as `open`.
 */
export function openConsoleSocket(url: string): Promise<ConsoleSocket> {
  const ws = Object.assign(new WebSocket(url, { perMessageDeflate: false }), { reader: undefined as unknown as Reader });
  ws.reader = new Reader(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`console refused: HTTP ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Runs the viewer side of RFB on an open socket and returns the first full frame. */
export async function readFrame(ws: ConsoleSocket): Promise<RfbFrame> {
  const r = ws.reader;
  const version = (await r.read(12)).toString('latin1');
  if (!version.startsWith('RFB 003.')) throw new Error(`not an RFB server: ${JSON.stringify(version)}`);
  ws.send(Buffer.from('RFB 003.008\n', 'latin1'));
  const count = (await r.read(1))[0]!;
  const types = [...(await r.read(count))];
  if (!types.includes(1)) throw new Error(`security None not offered: ${types.join(',')}`);
  ws.send(Buffer.from([1]));
  if ((await r.read(4)).readUInt32BE(0) !== 0) throw new Error('security handshake failed');
  ws.send(Buffer.from([1])); // ClientInit, shared
  const init = await r.read(24);
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  const name = (await r.read(init.readUInt32BE(20))).toString('utf8');
  const fmt = Buffer.alloc(20);
  fmt.writeUInt8(0, 0); // SetPixelFormat
  Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0]).copy(fmt, 4);
  ws.send(fmt);
  const req = Buffer.alloc(10);
  req.writeUInt8(3, 0);
  req.writeUInt8(0, 1); // full update
  req.writeUInt16BE(width, 6);
  req.writeUInt16BE(height, 8);
  ws.send(req);
  const fb = Buffer.alloc(width * height * 4);
  const head = await r.read(4);
  if (head[0] !== 0) throw new Error(`expected a FramebufferUpdate, got message ${head[0]}`);
  for (let i = head.readUInt16BE(2); i > 0; i--) {
    const rect = await r.read(12);
    const [x, y, w, h] = [rect.readUInt16BE(0), rect.readUInt16BE(2), rect.readUInt16BE(4), rect.readUInt16BE(6)];
    if (rect.readInt32BE(8) !== 0) throw new Error('only Raw rectangles are expected');
    const px = await r.read(w * h * 4);
    for (let row = 0; row < h; row++) px.copy(fb, ((y + row) * width + x) * 4, row * w * 4, (row + 1) * w * 4);
  }
  return {
    width, height, name,
    pixel(x, y) {
      const v = fb.readUInt32LE((y * width + x) * 4);
      return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
    },
  };
}
