/**
 * Streams an image from an http(s) URL to a file without holding it in memory, hashing and
 * counting as it goes, then un-gzips / bunzips / unzips it in place when the bytes say so.
 * No database access: the worker records progress through `onProgress`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { spawn } from 'node:child_process';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parseChecksum, sniffCompression, sniffFormat, type SniffedFormat } from './image-format.js';

export interface FetchOptions {
  /** Largest download and largest unpacked image, in bytes. */
  maxBytes: number;
  checksum?: string | null | undefined;
  onProgress?: (pct: number) => void;
  signal?: AbortSignal;
}

export interface FetchedImage { format: SniffedFormat; virtualSize: number; physicalSize: number }

export class DownloadError extends Error {}

/** Only http and https, as CloudStack's UriUtils.validateUrl. */
export function validateImageUrl(url: string): URL {
  let u: URL;
  try { u = new URL(url); } catch { throw new DownloadError(`Invalid URL ${url}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new DownloadError('Unsupported scheme for url: ' + url);
  return u;
}

function get(url: URL, signal: AbortSignal | undefined, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.get(url, signal ? { signal } : {}, (res) => {
      const loc = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc) {
        res.resume();
        if (redirects === 0) return reject(new DownloadError('Too many redirects'));
        try { resolve(get(validateImageUrl(new URL(loc, url).toString()), signal, redirects - 1)); } catch (e) { reject(e); }
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new DownloadError(`Failed to download ${url.toString()}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
      }
      resolve(res);
    });
    req.on('error', (e) => reject(new DownloadError(`Failed to download ${url.toString()}: ${e.message}`)));
  });
}

function limiter(max: number, onBytes?: (n: number) => void): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > max) return cb(new DownloadError(`The file is larger than the maximum allowed size of ${max} bytes (max.template.iso.size)`));
      onBytes?.(n);
      cb(null, chunk);
    },
  });
}

/** Downloads `url` into `dest` (via `dest.part`) and returns what the header says. */
export async function fetchImage(url: string, dest: string, o: FetchOptions): Promise<FetchedImage> {
  const sum = o.checksum ? parseChecksum(o.checksum) : undefined;
  const res = await get(validateImageUrl(url), o.signal);
  const total = Number(res.headers['content-length'] ?? 0);
  if (total > o.maxBytes) { res.destroy(); throw new DownloadError(`The file is larger than the maximum allowed size of ${o.maxBytes} bytes (max.template.iso.size)`); }
  const hash = sum ? createHash(sum.algo) : undefined;
  let lastPct = -1;
  const part = dest + '.part';
  const counter = limiter(o.maxBytes, (n) => {
    if (!total || !o.onProgress) return;
    const pct = Math.min(99, Math.floor((n * 100) / total));
    if (pct !== lastPct) { lastPct = pct; o.onProgress(pct); }
  });
  const hasher = new Transform({ transform(c: Buffer, _e, cb) { hash?.update(c); cb(null, c); } });
  await pipeline(res, counter, hasher, createWriteStream(part, { highWaterMark: 1 << 20 }), o.signal ? { signal: o.signal } : {});
  if (sum && hash!.digest('hex') !== sum.hex) { await rm(part, { force: true }); throw new DownloadError(`Checksum mismatch: the downloaded file does not match ${o.checksum}`); }
  await unpack(part, dest, o.maxBytes);
  return describeImage(dest);
}

async function unpack(part: string, dest: string, maxBytes: number): Promise<void> {
  const head = await readHead(part, 4);
  const kind = sniffCompression(head);
  try {
    if (kind === 'none') return await rename(part, dest);
    if (kind === 'gzip') return await pipeline(createReadStream(part), createGunzip(), limiter(maxBytes), createWriteStream(dest));
    // Argument arrays only, never a shell.
    const child = kind === 'bzip2' ? spawn('bzip2', ['-dc', part], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('unzip', ['-p', part], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { if (err.length < 1000) err += d.toString(); });
    const exited = new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
    await pipeline(child.stdout, limiter(maxBytes), createWriteStream(dest)).catch((e) => { child.kill(); throw e; });
    if ((await exited) !== 0) throw new DownloadError(`Failed to uncompress the ${kind} file: ${err.trim()}`);
  } catch (e) {
    await rm(dest, { force: true });
    throw e instanceof DownloadError ? e : new DownloadError(`Failed to uncompress the ${kind} file: ${(e as Error).message}`);
  } finally {
    await rm(part, { force: true });
  }
}

async function readHead(file: string, n: number, position = 0): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, position);
    return b.subarray(0, bytesRead);
  } finally { await fh.close(); }
}

/** Format and sizes of a local image file. */
export async function describeImage(file: string): Promise<FetchedImage> {
  const size = (await stat(file)).size;
  const head = await readHead(file, 0x9000);
  const tail = size >= 512 ? await readHead(file, 512, size - 512) : undefined;
  const f = sniffFormat(head, tail);
  return { format: f.format, virtualSize: f.virtualSize ?? size, physicalSize: size };
}
