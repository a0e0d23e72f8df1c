import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf, generateRsaKeyPair, opensshRsaPublicKey, parsePublicKey } from './ssh-format.js';

// A well-formed ed25519 public key line (32 arbitrary key bytes).
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKJ3Fl6FGv3RJv9vVQ5yQbB0RrQy7CwKcXq0+KJqCj2v test@example';

describe('ssh key format', () => {
  it('parses valid keys and rejects malformed ones', () => {
    const k = parsePublicKey(`  ${ED25519}\n`);
    assert.ok(k);
    assert.equal(k.type, 'ssh-ed25519');
    assert.equal(k.line, ED25519);
    assert.equal(parsePublicKey('ssh-rsa'), undefined);
    assert.equal(parsePublicKey('not-a-key AAAA'), undefined);
    assert.equal(parsePublicKey('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKJ3Fl6FGv3RJv9vVQ5yQbB0RrQy7CwKcXq0+KJqCj2v'), undefined, 'blob type must match');
    assert.equal(parsePublicKey('ssh-rsa !!!!'), undefined);
  });

  it('fingerprints as colon-separated MD5 hex', () => {
    const fp = fingerprintOf(Buffer.from('abc'));
    assert.equal(fp, '90:01:50:98:3c:d2:4f:b0:d6:96:3f:7d:28:e1:7f:72');
  });

  it('generates an RSA pair whose OpenSSH public key matches the private key', () => {
    const { privateKey, publicKey } = generateRsaKeyPair();
    assert.match(privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
    const derived = opensshRsaPublicKey(createPublicKey(createPrivateKey(privateKey)).export({ type: 'spki', format: 'pem' }) as string);
    assert.equal(derived, publicKey);
    const parsed = parsePublicKey(publicKey);
    assert.ok(parsed);
    assert.equal(createPublicKey(createPrivateKey(privateKey)).asymmetricKeyDetails?.modulusLength, 2048);
  });

  it('agrees with ssh-keygen on the MD5 fingerprint', (t) => {
    if (spawnSync('ssh-keygen', ['-?']).error) return t.skip('ssh-keygen is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-ssh-'));
    try {
      const { publicKey } = generateRsaKeyPair();
      writeFileSync(join(dir, 'k.pub'), publicKey + '\n');
      const out = spawnSync('ssh-keygen', ['-l', '-E', 'md5', '-f', join(dir, 'k.pub')], { encoding: 'utf8' }).stdout;
      assert.ok(out.includes(`MD5:${fingerprintOf(parsePublicKey(publicKey)!.blob)} `), out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
