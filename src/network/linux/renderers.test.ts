import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderRouterDocument, type RouterState } from '../router/document.js';
import { renderDnsmasq } from './dnsmasq-config.js';
import { renderHaproxy } from './haproxy-config.js';
import { vlanIfName, routerNames } from './names.js';
import { renderNftRuleset } from './nft-ruleset.js';
import { parseRouterDoc } from './router-doc.js';
import { legOf, prefixOf } from './router-legs.js';

const state = (): RouterState => ({
  network: { uuid: 'n1', cidr: '10.1.1.0/24', gateway: '10.1.1.1', netmask: '255.255.255.0', vlan: '600', domain: 'cs2cloud.internal', egressDefaultAllow: true },
  zone: { name: 'z1', dns: ['198.51.100.53', '198.51.100.54'] },
  addresses: [{ ip: '203.0.113.10', sourceNat: true, staticNatTo: null }, { ip: '203.0.113.12', sourceNat: false, staticNatTo: '10.1.1.20' }],
  rules: [
    { id: 'fw1', purpose: 'Firewall', publicIp: '203.0.113.10', protocol: 'tcp', startPort: 22, endPort: 22, cidrs: ['198.51.100.0/24'] },
    { id: 'fw2', purpose: 'Firewall', publicIp: '203.0.113.10', protocol: 'icmp', startPort: null, endPort: null, cidrs: ['0.0.0.0/0'], icmpType: 8, icmpCode: -1 },
    { id: 'pf1', purpose: 'PortForwarding', publicIp: '203.0.113.10', protocol: 'tcp', startPort: 2222, endPort: 2222, cidrs: [], vmIp: '10.1.1.9', destStart: 22, destEnd: 22 },
    { id: 'pf2', purpose: 'PortForwarding', publicIp: '203.0.113.10', protocol: 'udp', startPort: 5000, endPort: 5002, cidrs: [], vmIp: '10.1.1.9', destStart: 6000, destEnd: 6002 },
    { id: 'pf3', purpose: 'PortForwarding', publicIp: '203.0.113.10', protocol: 'tcp', startPort: 7000, endPort: 7010, cidrs: ['192.0.2.0/24'], vmIp: '10.1.1.9', destStart: 7000, destEnd: 7010 },
    { id: 'eg1', purpose: 'Egress', publicIp: null, protocol: 'tcp', startPort: 25, endPort: 25, cidrs: ['10.1.1.0/25'] },
  ],
  nics: [
    { ip: '10.1.1.9', mac: '02:00:00:00:00:09', hostName: 'web1', vmUuid: 'v1', isDefault: true, userData: null, password: null, serviceOffering: 'Small', publicIp: null },
    { ip: '10.1.1.20', mac: '02:00:00:00:00:20', hostName: 'db', vmUuid: 'v2', isDefault: false, userData: null, password: null, serviceOffering: 'Small', publicIp: null },
  ],
  throttleMbps: null,
});

const parsed = (s = state()) => parseRouterDoc(renderRouterDocument(s));
const lb = (algorithm: string, extra: Partial<RouterState['rules'][number]> = {}): RouterState['rules'][number] => ({
  id: 'lb1', purpose: 'LoadBalancing', publicIp: '203.0.113.10', protocol: 'tcp', startPort: 80, endPort: 80, cidrs: [], name: 'web', algorithm, privatePort: 8080, members: ['10.1.1.20', '10.1.1.9'], ...extra,
});

describe('router document → nftables', () => {
  it('renders forwards, static NAT, source NAT and firewall openings matched on the pre-DNAT address and port', () => {
    const t = renderNftRuleset(parsed(), true);
    assert.match(t, /^table ip nimbo\ndelete table ip nimbo\ntable ip nimbo \{/);
    assert.ok(t.includes('iifname "pub0" ip daddr 203.0.113.10 tcp dport 2222 dnat to 10.1.1.9:22 comment "pf pf1"'));
    assert.ok(t.includes('udp dport 5000-5002 dnat to 10.1.1.9 : udp dport map { 5000 : 6000, 5001 : 6001, 5002 : 6002 }'), 'a shifted range maps port by port');
    assert.ok(t.includes('ip daddr 203.0.113.10 ip saddr 192.0.2.0/24 tcp dport 7000-7010 dnat to 10.1.1.9 comment "pf pf3"'), 'an equal range keeps the port; CIDRs limit the forward');
    assert.ok(t.includes('iifname "pub0" ip daddr 203.0.113.12 dnat to 10.1.1.20'));
    assert.ok(t.includes('oifname "pub0" ip saddr 10.1.1.20 snat to 203.0.113.12'));
    assert.ok(t.includes('oifname "pub0" ip saddr 10.1.1.0/24 snat to 203.0.113.10 comment "source nat"'));
    assert.ok(t.includes('ct original ip daddr 203.0.113.10 ct original protocol tcp ct original proto-dst 22 ip saddr 198.51.100.0/24 accept comment "fw fw1"'));
    assert.ok(t.includes('ct original ip daddr 203.0.113.10 meta l4proto icmp icmp type 8 accept comment "fw fw2"'), '0.0.0.0/0 needs no source match; code -1 is any');
    assert.ok(/chain public_in \{[^}]*reject with tcp reset\n    reject with icmp type admin-prohibited\n  \}/.test(t), 'anything else inbound is refused');
  });

  it('inverts egress rules with the default policy (allow: rules block; deny: rules allow)', () => {
    const allow = renderNftRuleset(parsed(), true);
    assert.match(allow, /chain egress \{\n    ip saddr 10\.1\.1\.0\/25 tcp dport 25 reject with icmp type admin-prohibited comment "egress eg1"\n    accept\n  \}/);
    const s = state();
    s.network.egressDefaultAllow = false;
    assert.match(renderNftRuleset(parsed(s), true), /chain egress \{\n    ip saddr 10\.1\.1\.0\/25 tcp dport 25 accept comment "egress eg1"\n    reject with icmp type admin-prohibited\n  \}/);
  });

  it('has no NAT and no public chains for a router without a public leg', () => {
    const t = renderNftRuleset(parsed(), false);
    assert.ok(!t.includes('dnat') && !t.includes('snat') && !t.includes('jump'));
  });
});

describe('router document → dnsmasq', () => {
  it('renders static leases (no gateway for a non-default NIC), names and the zone resolvers', () => {
    const f = renderDnsmasq(parsed(), '/s/r/dns');
    assert.equal(f.dhcpHosts, '02:00:00:00:00:09,10.1.1.9,web1,infinite\n02:00:00:00:00:20,set:nodefault,10.1.1.20,db,infinite\n');
    assert.equal(f.hosts, '10.1.1.9 web1.cs2cloud.internal web1\n10.1.1.20 db.cs2cloud.internal db\n');
    for (const line of ['interface=guest0', 'listen-address=10.1.1.1', 'server=198.51.100.53', 'server=198.51.100.54', 'domain=cs2cloud.internal',
      'dhcp-range=set:guest,10.1.1.0,static,255.255.255.0,infinite', 'dhcp-option=tag:guest,option:router,10.1.1.1', 'dhcp-hostsfile=/s/r/dns/dhcp-hosts', 'pid-file=/s/r/dns/dnsmasq.pid']) {
      assert.ok(f.conf.split('\n').includes(line), line);
    }
  });

  it('never writes a host name or domain that is not a DNS name (they come from users)', () => {
    const s = state();
    s.nics[0]!.hostName = 'evil\ndhcp-script=/bin/sh';
    s.network.domain = 'x\nserver=192.0.2.66';
    const f = renderDnsmasq(parsed(s), '/s');
    assert.ok(!f.dhcpHosts.includes('evil') && !f.conf.includes('192.0.2.66') && !f.conf.includes('domain='));
    assert.ok(f.dhcpHosts.startsWith('02:00:00:00:00:09,10.1.1.9,infinite\n'), 'the lease stays, without the name');
  });
});

describe('router document → haproxy', () => {
  it('one listen section per tcp rule with its algorithm and members; no rule, no config', () => {
    assert.equal(renderHaproxy(parsed(), '/s/h.sock'), null);
    for (const algorithm of ['roundrobin', 'leastconn', 'source']) {
      const s = state();
      s.rules.push(lb(algorithm, { cidrs: ['198.51.100.0/24'] }));
      const c = renderHaproxy(parsed(s), '/s/h.sock')!;
      assert.ok(c.includes(`listen lb_lb1\n  bind 203.0.113.10:80\n  mode tcp\n  balance ${algorithm}\n  tcp-request connection reject unless { src 198.51.100.0/24 }\n  server m0 10.1.1.9:8080 check\n  server m1 10.1.1.20:8080 check\n`), algorithm);
      assert.ok(c.includes('stats socket /s/h.sock mode 600 level user'));
    }
    const udp = state();
    udp.rules.push(lb('roundrobin', { protocol: 'udp' }));
    assert.equal(renderHaproxy(parsed(udp), '/s'), null, 'haproxy does not balance UDP');
  });

  it('stickiness: SourceBased in TCP mode, LbCookie in HTTP mode; hostile parameters fall back to defaults', () => {
    const s = state();
    s.rules.push(lb('roundrobin', { stickiness: [{ name: 'p', method: 'SourceBased', params: { tablesize: '100k', expire: '1h\n  server evil 192.0.2.1:80' } }] }));
    const c = renderHaproxy(parsed(s), '/s')!;
    assert.ok(c.includes('  stick-table type ip size 100k expire 30m\n  stick on src\n') && !c.includes('evil'));
    const k = state();
    k.rules.push(lb('leastconn', { stickiness: [{ name: 'c', method: 'LbCookie', params: { 'cookie-name': 'SRV', nocache: 'true' } }] }));
    const h = renderHaproxy(parsed(k), '/s')!;
    assert.ok(h.includes('  mode http\n') && h.includes('  cookie SRV insert nocache\n') && h.includes('server m0 10.1.1.9:8080 check cookie m0'));
  });
});

describe('router legs and names', () => {
  it('plugs the guest leg into guestBridgeName()`s bridge, through the trunk`s VLAN sub-interface when tagged', () => {
    const nic = { uuid: 'n', deviceId: 0, mac: '02:00:00:00:00:01', ip: '10.1.1.1', netmask: '255.255.255.0', gateway: null, isDefault: false, trafficType: 'Guest', broadcastUri: 'vlan://600' };
    assert.deepEqual(legOf(nic, 'eth1'), { bridge: 'nbr600', trunk: 'eth1', vlan: 600, vlanSub: 'eth1.600', mac: nic.mac, ip: '10.1.1.1', prefix: 24, gateway: null });
    assert.equal(legOf(nic, undefined).vlanSub, null);
    assert.equal(legOf({ ...nic, broadcastUri: 'vlan://untagged' }, 'eth1').bridge, 'nbr-untagged');
    assert.equal(legOf(nic, 'eth1', 'cloudbr0').vlanSub, null, 'an operator bridge is used as it is');
    assert.equal(prefixOf('255.255.240.0', 24), 20);
    assert.equal(prefixOf('255.0.255.0', 24), 24);
  });

  it('keeps interface names within 15 bytes and apart per agent state directory', () => {
    assert.equal(vlanIfName('enp0s31f6', 4000), 'enp0s31f6.4000');
    assert.ok(vlanIfName('enp0s31f6long', 4000).length <= 15);
    const a = routerNames('/a', 'r-5-VM'), b = routerNames('/b', 'r-5-VM');
    assert.notEqual(a.netns, b.netns);
    assert.ok(a.hostGuest.length <= 15 && a.hostPublic.length <= 15);
  });

  it('refuses a document without a usable network', () => {
    assert.throws(() => parseRouterDoc({ network: { cidr: '10.1.1.0/24', gateway: 'x; rm -rf' } }), /network.cidr/);
  });
});
