/**
 * The virtual router for real (issue #8): a LinuxRouters namespace router applies documents
 * rendered by renderRouterDocument, with namespaces standing in for the host, two guests and
 * the internet (test addresses only). Root only; skipped with the reason otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, must } from '../../src/network/linux/exec.js';
import { renderRouterDocument, type RouterState, type RouterStateRule } from '../../src/network/router/document.js';
import { netnsUnavailable, type Probe } from '../helpers/netns-lab.js';
import { baseState, routerLab, routerStartNics, type RouterLab } from '../helpers/router-lab.js';
import { until } from '../helpers/until.js';

const R = 'r-7-VM';
const skip = await netnsUnavailable(['nft', 'dnsmasq', 'haproxy', 'tc', 'busybox']);

const fw = (id: string, ip: string, port: number, cidrs = ['0.0.0.0/0']): RouterStateRule => ({ id, purpose: 'Firewall', publicIp: ip, protocol: 'tcp', startPort: port, endPort: port, cidrs });
const pf = (id: string, ip: string, port: number, vmIp: string, dest: number): RouterStateRule => ({ id, purpose: 'PortForwarding', publicIp: ip, protocol: 'tcp', startPort: port, endPort: port, cidrs: [], vmIp, destStart: dest, destEnd: dest });
const lb = (algorithm: string): RouterStateRule => ({
  id: 'lb-web', purpose: 'LoadBalancing', publicIp: '203.0.113.13', protocol: 'tcp', startPort: 80, endPort: 80, cidrs: [], name: 'web', algorithm, privatePort: 8080, members: ['10.1.1.10', '10.1.1.20'],
});

/** The lab's network: a forward with its firewall opening, one without, static NAT and LB openings, an egress block on port 25. */
function labState(algorithm = 'roundrobin'): RouterState {
  const s = baseState();
  s.rules.push(
    fw('fw-pf', '203.0.113.11', 8022), pf('pf-web1', '203.0.113.11', 8022, '10.1.1.10', 80),
    pf('pf-closed', '203.0.113.11', 9000, '10.1.1.10', 80),
    fw('fw-static', '203.0.113.12', 80), fw('fw-lb', '203.0.113.13', 80), lb(algorithm),
    { id: 'eg-smtp', purpose: 'Egress', publicIp: null, protocol: 'tcp', startPort: 25, endPort: 25, cidrs: [] },
  );
  return s;
}

const doc = (s: RouterState) => renderRouterDocument(s);

describe('Linux namespace router', { skip: skip ?? false, timeout: 300_000 }, () => {
  let L: RouterLab;
  let g1: Probe, g2: Probe, net: Probe;
  let g1ns: string, g2ns: string;

  before(async () => {
    L = await routerLab();
    g1ns = await L.guest('g1', '02:00:00:00:01:10');
    g2ns = await L.guest('g2', '02:00:00:00:01:20');
    [g1, g2, net] = await Promise.all([L.lab.probe(g1ns), L.lab.probe(g2ns), L.lab.probe(L.inet)]);
    // The zone's resolver on the internet side, for DNS forwarding.
    L.lab.spawnIn(L.inet, 'dnsmasq', ['-k', '-C', '/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=198.51.100.53', '--host-record=www.example.test,198.51.100.80', '--pid-file=']);
    await net.must('listenHttp', { port: 8000, host: '198.51.100.53', text: 'internet' });
    await net.must('listenTcp', { port: 25, host: '198.51.100.53', text: 'smtp' });
    await g1.must('listenHttp', { port: 80, text: 'web1' });
    await g2.must('listenHttp', { port: 80, text: 'web2' });
    await g1.must('listenTcp', { port: 8080, text: 'web1' });
    await g2.must('listenTcp', { port: 8080, text: 'web2' });
    await L.routers.start(R, routerStartNics());
  });
  after(async () => {
    await L?.cleanup();
  });

  it('applies a rendered document; the same document again changes nothing', async () => {
    const first = await L.routers.apply(R, doc(labState()));
    assert.equal(first.changed, true);
    assert.deepEqual(first.changes, ['addresses', 'shaping', 'nftables', 'dnsmasq', 'metadata', 'haproxy']);
    const again = await L.routers.apply(R, doc(labState()));
    assert.deepEqual(again, { version: first.version, changed: false, changes: [] });
  });

  it('gives each guest its static DHCP lease with gateway, resolver and domain', async () => {
    for (const [ns, ip] of [[g1ns, '10.1.1.10'], [g2ns, '10.1.1.20']] as const) {
      const script = join(L.stateDir, `udhcpc-${ns}.sh`);
      writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && printf "ip=%s\\nrouter=%s\\ndns=%s\\ndomain=%s\\n" "$ip" "$router" "$dns" "$domain" > "$0.out"\nexit 0\n');
      chmodSync(script, 0o755);
      await must('ip', ['netns', 'exec', ns, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '10', '-T', '2', '-s', script]);
      assert.equal(readFileSync(`${script}.out`, 'utf8'), `ip=${ip}\nrouter=10.1.1.1\ndns=10.1.1.1\ndomain=lab.internal\n`);
      await must('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      await must('ip', ['-n', ns, 'route', 'add', 'default', 'via', '10.1.1.1']);
    }
  });

  it('answers DNS for guests by name and forwards other names to the zone resolver', async () => {
    assert.deepEqual(await g1.must('dns', { server: '10.1.1.1', name: 'web2.lab.internal' }), ['10.1.1.20']);
    assert.deepEqual(await g2.must('dns', { server: '10.1.1.1', name: 'www.example.test' }), ['198.51.100.80']);
  });

  it('sends guests to the internet through source NAT (static NAT guests by their own IP); egress rules block', async () => {
    assert.equal((await g1.must('http', { url: 'http://198.51.100.53:8000/' })).body, 'internet 203.0.113.10');
    assert.equal((await g2.must('http', { url: 'http://198.51.100.53:8000/' })).body, 'internet 203.0.113.12');
    const smtp = await g1.ask('tcpOpen', { host: '198.51.100.53', port: 25 });
    assert.equal(smtp.ok, false, 'the egress rule on port 25 blocks it');
  });

  it('forwards an opened port to the guest; refuses inbound traffic without a rule', async () => {
    assert.equal((await net.must('http', { url: 'http://203.0.113.11:8022/' })).body, 'web1 203.0.113.1');
    assert.equal((await net.must('http', { url: 'http://203.0.113.12/' })).body, 'web2 203.0.113.1', 'static NAT with its firewall opening');
    for (const url of ['http://203.0.113.11:9000/', 'http://203.0.113.10:22/', 'http://203.0.113.12:8080/']) {
      const r = await net.ask('http', { url });
      assert.equal(r.code, 'ECONNREFUSED', `${url} is refused`);
    }
  });

  it('serves user data, metadata and the password once from the gateway address', async () => {
    assert.equal((await g1.must('http', { url: 'http://10.1.1.1/latest/user-data' })).body, '#cloud-config\nhello: web1\n');
    assert.equal((await g1.must('http', { url: 'http://10.1.1.1/latest/meta-data/instance-id' })).body, 'vm-web1');
    assert.equal((await g1.must('http', { url: 'http://10.1.1.1/latest/meta-data/public-ipv4' })).body, '203.0.113.10');
    assert.equal((await g2.must('http', { url: 'http://10.1.1.1/latest/meta-data/public-ipv4' })).body, '203.0.113.12');
    const pw = (what: string) => g1.must('http', { url: 'http://10.1.1.1:8080/', headers: { DomU_Request: what } });
    assert.equal((await pw('send_my_password')).body, 'pw-web1');
    assert.equal((await pw('saved_password')).body, 'saved_password');
    assert.equal((await pw('send_my_password')).body, 'saved_password', 'an acknowledged password is not served again');
  });

  const openLb = async (from: Probe, localAddress?: string) => (await from.must('tcpOpen', { host: '203.0.113.13', port: 80, ...(localAddress ? { localAddress } : {}) })) as { handle: number; line: string };
  const once = async (from: Probe, localAddress?: string) => {
    const c = await openLb(from, localAddress);
    await from.must('tcpClose', { handle: c.handle });
    return c.line;
  };

  it('load balances round robin across both guests', async () => {
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await once(net));
    assert.deepEqual(new Set(seen), new Set(['web1', 'web2']));
    assert.notEqual(seen[0], seen[1]);
    assert.equal(seen[0], seen[2]);
  });

  it('switches to leastconn with only a haproxy reload: a new client goes to the idle guest', async () => {
    const dnsmasqBefore = readFileSync(join(L.stateDir, R, 'dns', 'dnsmasq.pid'), 'utf8');
    const r = await L.routers.apply(R, doc(labState('leastconn')));
    assert.deepEqual(r.changes, ['haproxy']);
    assert.equal(readFileSync(join(L.stateDir, R, 'dns', 'dnsmasq.pid'), 'utf8'), dnsmasqBefore);
    await until('the reloaded haproxy to serve, with no session left', async () => {
      const r = await net.ask('tcpOpen', { host: '203.0.113.13', port: 80 });
      if (r.ok) await net.must('tcpClose', { handle: r.result.handle });
      return r.ok;
    });
    await until('no session left', async () => Object.values(await L.routers.lbSessions(R)).every((n) => n === 0));
    const held = await openLb(net);
    const second = await openLb(net);
    assert.notEqual(second.line, held.line);
    await net.must('tcpClose', { handle: second.handle });
    await until('haproxy to count the closed session', async () => Object.values(await L.routers.lbSessions(R)).sort().join() === '0,1');
    // Round robin would now pick the held guest; leastconn picks the one without connections.
    assert.equal(await once(net), second.line);
    await net.must('tcpClose', { handle: held.handle });
  });

  it('switches to source hashing: each client address always reaches the same guest', async () => {
    await L.routers.apply(R, doc(labState('source')));
    const by = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      const src = `198.51.100.${60 + i}`;
      const a = await once(net, src), b = await once(net, src);
      assert.equal(a, b, `${src} sticks to one guest`);
      by.set(src, a);
    }
    assert.deepEqual(new Set(by.values()), new Set(['web1', 'web2']), 'the addresses spread over both guests');
  });

  it('changes only what differs: a new forward reloads nftables alone; a new rate only the shaping', async () => {
    const s = labState('source');
    s.rules.push(fw('fw-ssh', '203.0.113.11', 2222), pf('pf-ssh', '203.0.113.11', 2222, '10.1.1.20', 80));
    assert.deepEqual((await L.routers.apply(R, doc(s))).changes, ['nftables']);
    assert.equal((await net.must('http', { url: 'http://203.0.113.11:2222/' })).body, 'web2 203.0.113.1');
    s.throttleMbps = 20;
    assert.deepEqual((await L.routers.apply(R, doc(s))).changes, ['shaping']);
    assert.match(await must('tc', ['-n', L.routers.record(R)!.names.netns, 'qdisc', 'show', 'dev', 'guest0']), /tbf .*rate 20Mbit/);
    // The kernel lost the shaping (a namespace rebuilt after a reboot, the router's files kept):
    // the same document puts it back, judged by the kernel's state, not by the files.
    await must('tc', ['-n', L.routers.record(R)!.names.netns, 'qdisc', 'del', 'dev', 'guest0', 'root']);
    assert.deepEqual((await L.routers.apply(R, doc(s))).changes, ['shaping']);
    assert.match(await must('tc', ['-n', L.routers.record(R)!.names.netns, 'qdisc', 'show', 'dev', 'guest0']), /tbf .*rate 20Mbit/);
    assert.deepEqual((await L.routers.apply(R, doc(s))).changes, []);
  });

  it('a start of the running router (StartVm again) keeps the public IPs its document added', async () => {
    const ns = L.routers.record(R)!.names.netns;
    const pub0 = async () => (await must('ip', ['-n', ns, '-4', '-o', 'addr', 'show', 'dev', 'pub0'])).split('\n').filter(Boolean).map((l) => l.split(/\s+/)[3]).sort();
    const before = await pub0();
    assert.equal(before.length, 4);
    await L.routers.start(R, routerStartNics());
    assert.deepEqual(await pub0(), before);
    assert.equal((await net.must('http', { url: 'http://203.0.113.11:2222/' })).body, 'web2 203.0.113.1', 'the forward still answers');
  });

  it('destroy leaves no process, namespace, veth, unused bridge or file behind', async () => {
    const rec = L.routers.record(R)!;
    const dir = join(L.stateDir, R);
    const pids = ['dns/dnsmasq.pid', 'haproxy.pid', 'metadata.pid'].flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split(/\s+/).map(Number));
    // Unplug the guests so the guest bridge is unused; the public one keeps the internet's port.
    for (const ns of [g1ns, g2ns]) await must('ip', ['-n', L.host, 'link', 'del', L.lab.link(ns.slice(-4))]);
    await L.routers.destroy(R);
    assert.equal(existsSync(`/run/netns/${rec.names.netns}`), false);
    assert.equal(existsSync(dir), false);
    // Gone, or a zombie the machine's init has not reaped yet.
    for (const p of pids) await until(`process ${p} to be gone`, async () => !existsSync(`/proc/${p}`) || /^State:\s+Z/m.test(readFileSync(`/proc/${p}/status`, 'utf8')));
    for (const link of [rec.names.hostGuest, rec.names.hostPublic, 'nbr600']) {
      assert.notEqual((await exec('ip', ['-n', L.host, 'link', 'show', 'dev', link])).code, 0, `${link} is gone`);
    }
    assert.equal((await exec('ip', ['-n', L.host, 'link', 'show', 'dev', 'nbr-untagged'])).code, 0, 'a bridge still in use stays');
    await assert.rejects(L.routers.apply(R, doc(labState())), /not running/);
  });
});
