import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { guestBridgeName } from './bridge-name.js';

describe('guestBridgeName', () => {
  it('names one bridge per VLAN and one for untagged traffic, all within IFNAMSIZ', () => {
    assert.equal(guestBridgeName('vlan://600'), 'nbr600');
    assert.equal(guestBridgeName('vlan://4094'), 'nbr4094');
    assert.equal(guestBridgeName(null), 'nbr-untagged');
    assert.equal(guestBridgeName('vlan://untagged'), 'nbr-untagged');
    for (const n of ['nbr4094', 'nbr-untagged']) assert.ok(n.length <= 15);
  });
  it('refuses what it cannot name rather than guessing', () => {
    assert.throws(() => guestBridgeName('vxlan://5000'), /no bridge/);
    assert.throws(() => guestBridgeName('vlan://12345'), /no bridge/);
  });
});
