/**
 * Pure helpers for downloaded images: CloudStack's checksum forms, compression and image
 * format sniffing from the first bytes, and a minimal qcow2 writer for the built-in template.
 */
import { paramError } from '../../api/errors.js';

export type HashAlgo = 'md5' | 'sha1' | 'sha256' | 'sha512';
const ALGOS: Record<string, HashAlgo> = { MD5: 'md5', 'SHA-1': 'sha1', SHA1: 'sha1', 'SHA-256': 'sha256', SHA256: 'sha256', 'SHA-512': 'sha512', SHA512: 'sha512' };
const BY_LENGTH: Record<number, HashAlgo> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };

/** `{MD5}hex`, `{SHA-256}hex` or bare hex (algorithm from its length, as CloudStack does). */
export function parseChecksum(s: string): { algo: HashAlgo; hex: string } {
  const m = /^\s*(?:\{([A-Za-z0-9-]+)\})?([0-9a-fA-F]+)\s*$/.exec(s);
  if (!m) throw paramError(`Invalid checksum ${s}`);
  const hex = m[2]!.toLowerCase();
  const algo = m[1] !== undefined ? ALGOS[m[1].toUpperCase()] : BY_LENGTH[hex.length];
  if (!algo) throw paramError(`Invalid checksum ${s}: unknown algorithm`);
  if (BY_LENGTH[hex.length] !== algo) throw paramError(`Invalid checksum ${s}: wrong length for ${algo}`);
  return { algo, hex };
}

export type Compression = 'gzip' | 'bzip2' | 'zip' | 'none';

export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  return 'none';
}

export type SniffedFormat = 'QCOW2' | 'VHD' | 'OVA' | 'ISO' | 'RAW';

/** Format from the header (first 64 KiB) and, for VHD, the 512-byte footer. */
export function sniffFormat(head: Buffer, tail?: Buffer): { format: SniffedFormat; virtualSize?: number } {
  if (head.length >= 32 && head.readUInt32BE(0) === 0x514649fb) return { format: 'QCOW2', virtualSize: Number(head.readBigUInt64BE(24)) };
  if (head.subarray(0, 8).toString('latin1') === 'conectix') return { format: 'VHD', virtualSize: Number(head.readBigUInt64BE(48)) };
  if (tail && tail.length >= 512) {
    const f = tail.subarray(tail.length - 512);
    if (f.subarray(0, 8).toString('latin1') === 'conectix') return { format: 'VHD', virtualSize: Number(f.readBigUInt64BE(48)) };
  }
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return { format: 'OVA' };
  if (head.length >= 0x8006 && head.subarray(0x8001, 0x8006).toString('latin1') === 'CD001') return { format: 'ISO' };
  return { format: 'RAW' };
}

/** Whether a sniffed format satisfies the declared one (RAW accepts anything unrecognised). */
export function formatMatches(declared: string, sniffed: SniffedFormat): boolean {
  if (declared === 'ISO') return sniffed === 'ISO' || sniffed === 'RAW';
  return declared === sniffed;
}

/**
 * A valid, empty qcow2 v2 image of `virtualSize` bytes (cluster 64 KiB): header, one L1
 * table, a refcount table and one refcount block covering the metadata clusters.
 */
export function makeQcow2(virtualSize: number): Buffer {
  const cluster = 65536;
  const l2Entries = cluster / 8;
  const l1Size = Math.max(1, Math.ceil(virtualSize / (cluster * l2Entries)));
  // cluster 0 header, 1 L1 table, 2 refcount table, 3 refcount block
  const buf = Buffer.alloc(cluster * 4);
  buf.writeUInt32BE(0x514649fb, 0);
  buf.writeUInt32BE(2, 4);
  buf.writeUInt32BE(16, 20); // cluster_bits
  buf.writeBigUInt64BE(BigInt(virtualSize), 24);
  buf.writeUInt32BE(0, 32); // crypt
  buf.writeUInt32BE(l1Size, 36);
  buf.writeBigUInt64BE(BigInt(cluster), 40); // l1_table_offset
  buf.writeBigUInt64BE(BigInt(cluster * 2), 48); // refcount_table_offset
  buf.writeUInt32BE(1, 56); // refcount_table_clusters
  buf.writeBigUInt64BE(BigInt(cluster * 3), cluster * 2); // refcount table -> block
  for (let i = 0; i < 4; i++) buf.writeUInt16BE(1, cluster * 3 + i * 2);
  return buf;
}
