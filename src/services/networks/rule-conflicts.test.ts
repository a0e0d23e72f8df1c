import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findConflict, type ConflictRule } from './rule-conflicts.js';

const rule = (o: Partial<ConflictRule>): ConflictRule => ({ uuid: 'r', purpose: 'Firewall', protocol: 'tcp', start_port: 80, end_port: 90, icmp_type: null, icmp_code: null, cidrs: ['0.0.0.0/0'], ...o });

describe('rule conflicts (CloudStack semantics)', () => {
  it('firewall rules clash on overlapping ports only when they share a CIDR and protocol', () => {
    assert.equal(findConflict(rule({ start_port: 85, end_port: 100 }), [rule({})])?.kind, 'NetworkRuleConflict');
    assert.equal(findConflict(rule({ start_port: 85, end_port: 100, cidrs: ['10.0.0.0/8'] }), [rule({})]), null);
    assert.equal(findConflict(rule({ protocol: 'udp' }), [rule({})]), null);
    assert.equal(findConflict(rule({ start_port: 91, end_port: 95 }), [rule({})]), null);
  });
  it('port-less and ICMP firewall rules', () => {
    const all = rule({ protocol: 'all', start_port: null, end_port: null });
    assert.match(findConflict(all, [all])!.message, /no ports/);
    const icmp = rule({ protocol: 'icmp', start_port: null, end_port: null, icmp_type: 8, icmp_code: 0 });
    assert.equal(findConflict(icmp, [icmp])?.kind, 'InvalidParameter');
    assert.equal(findConflict({ ...icmp, icmp_type: 0 }, [icmp]), null);
  });
  it('forwards: PF of another protocol is fine, LB and PF on one port clash, firewall never clashes with a forward', () => {
    const pf = rule({ purpose: 'PortForwarding' });
    assert.equal(findConflict({ ...pf, protocol: 'udp' }, [pf]), null);
    assert.equal(findConflict(rule({ purpose: 'LoadBalancing', start_port: 90, end_port: 90 }), [pf])?.kind, 'NetworkRuleConflict');
    assert.equal(findConflict(rule({ start_port: 80, end_port: 80 }), [pf]), null);
    assert.equal(findConflict({ ...pf, cidrs: ['10.0.0.0/8'] }, [pf]), null);
  });
  it('static NAT rules clash with forwards of another purpose whatever the ports', () => {
    const sn = rule({ purpose: 'StaticNat', start_port: 1, end_port: 2 });
    assert.match(findConflict(rule({ purpose: 'PortForwarding', start_port: 500, end_port: 500 }), [sn])!.message, /1 to 1 Nat/);
    assert.match(findConflict(sn, [rule({ purpose: 'LoadBalancing', start_port: 500, end_port: 500 })])!.message, /already firewall rule/);
    assert.equal(findConflict({ ...sn, protocol: 'udp' }, [sn]), null);
  });
});
