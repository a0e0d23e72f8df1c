/**
 * OpenSSH public key handling (CloudStack SSHKeysHelper): parsing and validating a one-line
 * public key, its MD5 fingerprint as CloudStack shows it, and generating an RSA pair.
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';

/** Key types CloudStack accepts in registerSSHKeyPair. */
export const SSH_KEY_TYPES = ['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'] as const;

export interface ParsedPublicKey {
  type: string;
  blob: Buffer;
  /** "type base64[ comment]" normalised to single spaces. */
  line: string;
}

/** Reads the first length-prefixed string of an SSH wire blob. */
function firstString(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n === 0 || n > 64 || 4 + n > blob.length) return undefined;
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** Parses "ssh-rsa AAAA… [comment]"; undefined unless the type is known, the base64 is valid and the blob names the same type. */
export function parsePublicKey(text: string): ParsedPublicKey | undefined {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2) return undefined;
  const [type, b64, ...comment] = parts as [string, string, ...string[]];
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  const blob = Buffer.from(b64, 'base64');
  if (firstString(blob) !== type) return undefined;
  return { type, blob, line: [type, b64, ...comment].join(' ') };
}

/** MD5 of the key blob as colon-separated lower-case hex pairs (CloudStack's fingerprint form). */
export function fingerprintOf(blob: Buffer): string {
  const hex = createHash('md5').update(blob).digest('hex');
  return hex.match(/../g)!.join(':');
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** SSH mpint: big-endian, with a leading zero byte when the high bit is set. */
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return sshString(v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

/** The OpenSSH "ssh-rsa …" line of an RSA public key given as PEM. */
export function opensshRsaPublicKey(pem: string): string {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const e = Buffer.from(jwk.e!, 'base64url');
  const n = Buffer.from(jwk.n!, 'base64url');
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(e), mpint(n)]);
  return `ssh-rsa ${blob.toString('base64')}`;
}

/** A new RSA 2048 pair: the PKCS#1 PEM private key (returned once, never stored) and the OpenSSH public key. */
export function generateRsaKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privateKey, publicKey: opensshRsaPublicKey(publicKey) };
}
