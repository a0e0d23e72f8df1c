import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderRouterDocument, type RouterState } from './document.js';

const base = (): RouterState => ({
  network: { uuid: 'n1', cidr: '10.1.1.0/24', gateway: '10.1.1.1', netmask: '255.255.255.0', vlan: '600', domain: 'cs2cloud.internal', egressDefaultAllow: false },
  zone: { name: 'z1', dns: ['8.8.8.8'] },
  addresses: [{ ip: '203.0.113.11', sourceNat: false, staticNatTo: null }, { ip: '203.0.113.10', sourceNat: true, staticNatTo: null }],
  rules: [],
  nics: [
    { ip: '10.1.1.10', mac: '02:00:00:00:00:02', hostName: 'web2', vmUuid: 'v2', isDefault: true, userData: null, password: null, serviceOffering: 'Small', publicIp: null },
    { ip: '10.1.1.9', mac: '02:00:00:00:00:01', hostName: 'web1', vmUuid: 'v1', isDefault: true, userData: 'aGk=', password: 'pw', serviceOffering: 'Small', publicIp: null },
  ],
  throttleMbps: 200,
});

describe('renderRouterDocument', () => {
  it('shows an LB rule with two members and leastconn exactly once, members sorted', () => {
    const s = base();
    s.rules.push({ id: 'lb1', purpose: 'LoadBalancing', publicIp: '203.0.113.11', protocol: 'tcp', startPort: 80, endPort: 80, cidrs: [], name: 'web', algorithm: 'leastconn', privatePort: 8080, members: ['10.1.1.10', '10.1.1.9'] });
    const d = renderRouterDocument(s) as any;
    assert.equal(d.loadBalancers.length, 1);
    assert.equal(d.loadBalancers[0].algorithm, 'leastconn');
    assert.deepEqual(d.loadBalancers[0].members, ['10.1.1.9', '10.1.1.10']);
    assert.equal(d.loadBalancers[0].privatePort, 8080);
  });

  it('is deterministic regardless of input order', () => {
    const a = base();
    a.rules.push({ id: 'f2', purpose: 'Firewall', publicIp: '203.0.113.10', protocol: 'tcp', startPort: 443, endPort: 443, cidrs: ['10.0.0.0/8', '0.0.0.0/0'] });
    a.rules.push({ id: 'f1', purpose: 'Firewall', publicIp: '203.0.113.10', protocol: 'tcp', startPort: 22, endPort: 22, cidrs: ['0.0.0.0/0'] });
    const b = base();
    b.addresses.reverse();
    b.nics.reverse();
    b.rules.push(a.rules[1]!, { ...a.rules[0]!, cidrs: ['0.0.0.0/0', '10.0.0.0/8'] });
    assert.equal(JSON.stringify(renderRouterDocument(a)), JSON.stringify(renderRouterDocument(b)));
    const d = renderRouterDocument(a) as any;
    assert.deepEqual(d.firewall.ingress.map((r: any) => r.id), ['f1', 'f2']);
  });

  it('carries source NAT, port forwards, DHCP leases, metadata and throttling', () => {
    const s = base();
    s.rules.push({ id: 'pf', purpose: 'PortForwarding', publicIp: '203.0.113.11', protocol: 'tcp', startPort: 2222, endPort: 2222, cidrs: ['0.0.0.0/0'], vmIp: '10.1.1.9', destStart: 22, destEnd: 22 });
    const d = renderRouterDocument(s) as any;
    assert.equal(d.sourceNat, '203.0.113.10');
    assert.deepEqual(d.portForwards[0].privatePorts, [22, 22]);
    assert.deepEqual(d.dhcp.map((x: any) => x.hostName), ['web1', 'web2']);
    assert.equal(d.metadata[0].publicIp, '203.0.113.10');
    assert.equal(d.metadata[0].password, 'pw');
    assert.equal(d.metadata[1].password, undefined);
    assert.deepEqual(d.throttle, { mbps: 200 });
    assert.equal(d.firewall.egress.defaultAllow, false);
  });

  it("a shared network's DHCP-only router: leases, DNS and metadata, no NAT, firewall, forwards or LB", () => {
    const s = base();
    s.role = 'dhcp';
    s.rules.push({ id: 'pf', purpose: 'PortForwarding', publicIp: '203.0.113.11', protocol: 'tcp', startPort: 2222, endPort: 2222, cidrs: [], vmIp: '10.1.1.9', destStart: 22, destEnd: 22 });
    const d = renderRouterDocument(s) as any;
    assert.equal(d.role, 'dhcp');
    assert.deepEqual([d.publicIps, d.sourceNat, d.portForwards, d.staticNat, d.loadBalancers, d.firewall.ingress], [[], null, [], [], [], []]);
    assert.deepEqual(d.dhcp.map((x: any) => x.ip), ['10.1.1.9', '10.1.1.10']);
    assert.deepEqual(d.dns.forwarders, ['8.8.8.8']);
    assert.equal(d.metadata[0].publicIp, null);
    assert.equal(renderRouterDocument(base()).role, 'router');
  });
});
