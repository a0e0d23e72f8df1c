import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeWire } from './define.js';

describe('mergeWire', () => {
  it('is { ...a, ...b }: keys of a first, b wins on a clash, nothing shared', () => {
    const a = { id: 'x', name: 'n', count: 1 };
    const b = { count: 2, vmlimit: 'Unlimited' };
    const m = mergeWire(a, b);
    assert.deepEqual(Object.entries(m), Object.entries({ ...a, ...b }));
    m['name'] = 'changed';
    assert.equal(a.name, 'n');
    assert.deepEqual(mergeWire(a, undefined), a);
  });
});
