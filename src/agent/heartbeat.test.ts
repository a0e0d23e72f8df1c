import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEARTBEAT_DIR, readHeartbeat, writeHeartbeat } from './heartbeat.js';

const HOST = '3f2a8c1e-0000-4000-8000-000000000001';

describe('heartbeats on shared primary storage', () => {
  it('a fresh heartbeat says alive, an old one dead, none (or a pool that cannot be read) cannot tell', async () => {
    const a = mkdtempSync(join(tmpdir(), 'nimbo-hb-'));
    const b = mkdtempSync(join(tmpdir(), 'nimbo-hb-'));
    try {
      assert.equal(await readHeartbeat([a, b], HOST, 10_000), null);
      assert.equal(await writeHeartbeat([a, join(a, 'missing', 'deeper', '\0bad')], HOST, 1_000_000), 1, 'one pool took it, the broken one did not');
      assert.equal(await readHeartbeat([a, b], HOST, 10_000, 1_005_000), true);
      assert.equal(await readHeartbeat([a, b], HOST, 10_000, 1_020_000), false);
      // Any fresh copy wins over a stale one elsewhere.
      await writeHeartbeat([b], HOST, 1_019_000);
      assert.equal(await readHeartbeat([a, b], HOST, 10_000, 1_020_000), true);
      // Garbage is not a heartbeat.
      mkdirSync(join(b, HEARTBEAT_DIR), { recursive: true });
      writeFileSync(join(b, HEARTBEAT_DIR, HOST), 'garbage');
      assert.equal(await readHeartbeat([b], HOST, 10_000, 1_020_000), null);
      await assert.rejects(writeHeartbeat([a], '../../etc/passwd').then(() => readHeartbeat([a], '../x', 1)), /not a host uuid/);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  it('never makes a vanished pool directory again (that would hide a storage outage)', async () => {
    const a = mkdtempSync(join(tmpdir(), 'nimbo-hb-'));
    try {
      const gone = join(a, 'pool');
      assert.equal(await writeHeartbeat([gone], HOST), 0);
      assert.equal(existsSync(gone), false);
      mkdirSync(gone);
      assert.equal(await writeHeartbeat([gone], HOST), 1);
      assert.equal(await writeHeartbeat([gone], HOST), 1, 'an existing heartbeat directory is fine');
    } finally {
      rmSync(a, { recursive: true, force: true });
    }
  });
});
