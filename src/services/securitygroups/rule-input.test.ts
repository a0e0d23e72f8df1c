import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudError } from '../../api/errors.js';
import { checkCidrs, checkRuleMatch } from './rule-input.js';

const fails = (f: () => unknown, text: RegExp) => assert.throws(f, (e: unknown) => e instanceof CloudError && e.kind === 'ParamError' && text.test(e.message));

describe('security group rule input', () => {
  it('defaults to protocol all without ports; numbers of tcp/udp/icmp become names', () => {
    assert.deepEqual(checkRuleMatch({}), { protocol: 'all', startPort: null, endPort: null, icmpType: null, icmpCode: null });
    assert.equal(checkRuleMatch({ protocol: '6', startPort: 22, endPort: 22 }).protocol, 'tcp');
    assert.equal(checkRuleMatch({ protocol: '47' }).protocol, '47');
    fails(() => checkRuleMatch({ protocol: 'gre' }), /Invalid protocol gre/);
    fails(() => checkRuleMatch({ protocol: '300' }), /Invalid protocol/);
    fails(() => checkRuleMatch({ protocol: 'all', startPort: 1, endPort: 2 }), /Cannot specify startPort/);
  });

  it('checks tcp/udp port ranges as CloudStack does (0-0 means every port)', () => {
    assert.deepEqual(checkRuleMatch({ protocol: 'TCP', startPort: 80, endPort: 443 }), { protocol: 'tcp', startPort: 80, endPort: 443, icmpType: null, icmpCode: null });
    assert.equal(checkRuleMatch({ protocol: 'udp', startPort: 0, endPort: 0 }).endPort, 65535);
    fails(() => checkRuleMatch({ protocol: 'tcp', startPort: 22 }), /Invalid port range specified, startPort = 22, endPort = null/);
    fails(() => checkRuleMatch({ protocol: 'tcp', startPort: 30, endPort: 20 }), /Invalid port range/);
    fails(() => checkRuleMatch({ protocol: 'tcp', startPort: 1, endPort: 70000 }), /Invalid port numbers/);
    fails(() => checkRuleMatch({ protocol: 'tcp', startPort: 1, endPort: 2, icmpType: 8 }), /icmpType/);
  });

  it('needs both ICMP type and code; -1 type means any code', () => {
    assert.deepEqual(checkRuleMatch({ protocol: 'icmp', icmpType: 8, icmpCode: 0 }), { protocol: 'icmp', startPort: null, endPort: null, icmpType: 8, icmpCode: 0 });
    assert.equal(checkRuleMatch({ protocol: 'icmp', icmpType: -1, icmpCode: -1 }).icmpType, -1);
    fails(() => checkRuleMatch({ protocol: 'icmp', icmpType: 8 }), /Invalid ICMP type\/code specified, icmpType = 8, icmpCode = null/);
    fails(() => checkRuleMatch({ protocol: 'icmp', icmpType: -1, icmpCode: 3 }), /Invalid icmp code/);
    fails(() => checkRuleMatch({ protocol: 'icmp', icmpType: 300, icmpCode: 0 }), /Invalid icmp type/);
  });

  it('keeps CIDRs as written, drops duplicates and refuses malformed ones', () => {
    assert.deepEqual(checkCidrs(['10.0.0.0/8', ' 10.0.0.0/8', '192.168.1.7/24']), ['10.0.0.0/8', '192.168.1.7/24']);
    assert.deepEqual(checkCidrs(undefined), []);
    fails(() => checkCidrs(['10.0.0.0/33']), /Invalid cidr 10.0.0.0\/33/);
    fails(() => checkCidrs(['nope']), /Invalid cidr nope/);
  });
});
