/**
 * The kernel lab (test/helpers/kernel-lab.ts) itself: a script runs under the Debian kernel,
 * its output and exit code come back, the host's root is read-only for it and /tmp is its own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelLabSkipReason, runInKernelLab } from '../helpers/kernel-lab.js';
import { tinyLinuxParts } from '../../src/drivers/qemu/tiny-linux.js';

const PROBE = fileURLToPath(new URL('../helpers/kernel-lab-probe.js', import.meta.url));
const skip = kernelLabSkipReason();

describe('kernel lab', { skip: skip || false, timeout: 180_000 }, () => {
  it('runs a Node script under the Debian kernel and returns its output and exit code; the shared root stays read-only', async () => {
    const r = await runInKernelLab(PROBE, { args: ['3'], timeoutMs: 150_000 });
    const parts = tinyLinuxParts();
    const release = typeof parts === 'string' ? '' : basename(parts.modulesDir);
    assert.equal(r.code, 3, `output:\n${r.output}\nconsole:\n${r.console.slice(-3000)}`);
    assert.equal(r.output, `kernel ${release}\nshared root EROFS\ntmp writable\n`);
    assert.equal(existsSync(PROBE.replace(/\.js$/, '.written')), false);
    console.log(`kernel lab round trip: ${(r.ms / 1000).toFixed(1)} s`);
  });
});
