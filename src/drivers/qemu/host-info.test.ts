import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { detectAccel } from './host-info.js';

const haveQemu = spawnSync('qemu-system-x86_64', ['--version']).status === 0;

/** Boots an empty paused machine with the accelerator's own arguments and quits it. */
function boots(kind: 'kvm' | 'tcg'): boolean {
  const accel = kind === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,tb-size=16'];
  const r = spawnSync('qemu-system-x86_64', [...accel, '-nodefaults', '-display', 'none', '-S', '-m', '16', '-monitor', 'stdio'], {
    input: 'quit\n', timeout: 15_000, stdio: ['pipe', 'ignore', 'ignore'],
  });
  return r.status === 0;
}

describe('detectAccel', { skip: haveQemu ? false : 'qemu-system-x86_64 is not installed' }, () => {
  it('picks by default an accelerator that really starts a machine (a /dev/kvm that aborts guests means TCG)', () => {
    const a = detectAccel(16);
    assert.ok(boots(a.kind), `auto-detected ${a.kind} cannot start a machine here`);
  });

  it('obeys a forced TCG without probing', () => {
    assert.equal(detectAccel(16, 'tcg').kind, 'tcg');
  });
});
