import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MockBook, parseMockValue } from './mocks.js';

describe('simulator mocks', () => {
  it('parses a failure rate and refuses one outside 0..1', () => {
    assert.equal(parseMockValue('result:fail|rate:0.25').rate, 0.25);
    assert.throws(() => parseMockValue('result:fail|rate:1.5'), /rate/);
    assert.throws(() => parseMockValue('result:fail|rate:'), /rate/);
  });

  it('fails only the share of calls the rate names', () => {
    const rolls = [0.1, 0.9, 0.2, 0.7];
    const book = new MockBook(() => rolls.shift()!);
    book.set([{ id: 1, name: 'StartCommand', value: 'result:fail|rate:0.5', count: null }]);
    const outcomes = [0, 1, 2, 3].map(() => book.take('StartVm')?.fail ?? null);
    assert.deepEqual(outcomes, ['Simulated failure', null, 'Simulated failure', null]);
  });

  it('counts down uses whether or not the call failed', () => {
    const book = new MockBook(() => 0.99);
    book.set([{ id: 2, name: 'StopCommand', value: 'result:fail|rate:0.5', count: 2 }]);
    assert.equal(book.take('StopVm')?.fail, null);
    assert.equal(book.take('StopVm')?.fail, null);
    assert.equal(book.take('StopVm'), null);
  });

  it('holds a pool outage until the rule is cleaned up, for its pool only', () => {
    const book = new MockBook();
    const pool = '8f0c1c8e-1111-4222-8333-944445555666';
    book.set([{ id: 3, name: 'StoragePoolOutage', value: `pool:${pool.toUpperCase()}`, count: 1 }]);
    assert.equal(book.holds('StoragePoolOutage', pool), true);
    assert.equal(book.holds('StoragePoolOutage', pool), true);
    assert.equal(book.holds('StoragePoolOutage', '0f0c1c8e-1111-4222-8333-944445555666'), false);
    book.set([{ id: 4, name: 'StoragePoolOutage', value: 'enabled:true', count: null }]);
    assert.equal(book.holds('StoragePoolOutage', '0f0c1c8e-1111-4222-8333-944445555666'), true);
    book.clear([3, 4]);
    assert.equal(book.holds('StoragePoolOutage', pool), false);
    assert.throws(() => parseMockValue('pool:../etc'), /pool/);
  });
});
