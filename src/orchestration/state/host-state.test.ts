import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOST_EVENTS, HOST_STATUSES, HOST_TRANSITIONS, nextHostStatus, nextResourceState, RESOURCE_EVENTS, RESOURCE_STATES, RESOURCE_TRANSITIONS,
} from './host-state.js';

describe('host state tables', () => {
  it('every (status, event) pair is either a listed transition or illegal, and targets are statuses', () => {
    let legal = 0;
    for (const s of HOST_STATUSES) {
      for (const e of HOST_EVENTS) {
        const to = nextHostStatus(s, e);
        assert.equal(to, HOST_TRANSITIONS[s][e]);
        if (to) {
          legal++;
          assert.ok((HOST_STATUSES as readonly string[]).includes(to), `${s} -${e}-> ${to}`);
        }
      }
    }
    assert.ok(legal > 30);
  });

  it('the agent life cycle: Connecting → Up → Disconnected → Alert, back to Up on reconnect', () => {
    const walk = (s: string, ...es: Parameters<typeof nextHostStatus>[1][]) => es.reduce<string | undefined>((x, e) => x && nextHostStatus(x, e), s);
    assert.equal(walk('Creating', 'AgentConnected', 'Ready'), 'Up');
    assert.equal(walk('Up', 'PingTimeout', 'PingTimeout'), 'Alert');
    assert.equal(walk('Alert', 'AgentConnected', 'Ready'), 'Up');
    assert.equal(nextHostStatus('Removed', 'AgentConnected'), undefined);
    assert.equal(nextHostStatus('Up', 'Ready'), undefined);
  });

  it('every (resource state, event) pair matches the table; maintenance round trip', () => {
    for (const s of RESOURCE_STATES) {
      for (const e of RESOURCE_EVENTS) {
        const to = nextResourceState(s, e);
        assert.equal(to, RESOURCE_TRANSITIONS[s][e]);
        if (to) assert.ok((RESOURCE_STATES as readonly string[]).includes(to));
      }
    }
    assert.equal(nextResourceState('Enabled', 'AdminAskMaintenance'), 'PrepareForMaintenance');
    assert.equal(nextResourceState('PrepareForMaintenance', 'InternalEnterMaintenance'), 'Maintenance');
    assert.equal(nextResourceState('Maintenance', 'AdminCancelMaintenance'), 'Enabled');
    assert.equal(nextResourceState('Maintenance', 'Disable'), undefined);
  });
});
