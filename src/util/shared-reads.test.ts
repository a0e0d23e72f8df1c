import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SharedReads } from './shared-reads.js';

/** A loader whose reads finish when the test says, returning the read's number. */
function loader() {
  const pending: Array<{ n: number; resolve: () => void; reject: (e: Error) => void }> = [];
  let count = 0;
  const load = (_key: string) => new Promise<number>((resolve, reject) => {
    const n = ++count;
    pending.push({ n, resolve: () => resolve(n), reject });
  });
  return { load, pending, count: () => count };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SharedReads', () => {
  it('callers arriving during a read share the next one, never the one already running', async () => {
    const l = loader();
    const reads = new SharedReads(l.load);
    const first = reads.read('z');
    assert.equal(l.count(), 1);
    const [a, b, c] = [reads.read('z'), reads.read('z'), reads.read('z')];
    assert.equal(l.count(), 1, 'the second read waits for the first to end');
    l.pending.shift()!.resolve();
    assert.equal(await first, 1);
    await tick();
    assert.equal(l.count(), 2, 'one read for the three that asked meanwhile');
    const d = reads.read('z'); // asked while read 2 runs: must not get read 2
    l.pending.shift()!.resolve();
    assert.deepEqual(await Promise.all([a, b, c]), [2, 2, 2]);
    await tick();
    l.pending.shift()!.resolve();
    assert.equal(await d, 3);
    assert.equal(l.count(), 3);
  });

  it('keys are independent; a failed read neither sticks nor blocks the next', async () => {
    const l = loader();
    const reads = new SharedReads(l.load);
    const x = reads.read('x');
    const y = reads.read('y');
    assert.equal(l.count(), 2);
    const x2 = reads.read('x');
    l.pending.shift()!.reject(new Error('boom'));
    await assert.rejects(x, /boom/);
    await tick();
    assert.equal(l.count(), 3);
    l.pending.shift()!.resolve();
    l.pending.shift()!.resolve();
    assert.equal(await y, 2);
    assert.equal(await x2, 3);
    const x3 = reads.read('x');
    assert.equal(l.count(), 4, 'nothing is kept once reads are done');
    l.pending.shift()!.resolve();
    assert.equal(await x3, 4);
  });
});
