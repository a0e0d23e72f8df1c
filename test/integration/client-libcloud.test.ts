/**
 * Apache Libcloud's CloudStack driver (Debian's python3-libcloud, run by /usr/bin/python3)
 * against Nimbo, unmodified: create_node, list_nodes, reboot_node, destroy_node on the demo
 * zone's simulated hosts; then a node's public IP, port forward and load balancer through the
 * compute and load-balancer drivers. Skips (with the reason) where libcloud is not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';

const PYTHON = '/usr/bin/python3';
const libcloudSkip: string | false =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import libcloud.compute.drivers.cloudstack'], { stdio: 'ignore' }).status === 0
    ? false
    : 'Apache Libcloud (/usr/bin/python3 with Debian package python3-libcloud) is not installed';

/**
 * One libcloud session: every step prints a JSON line, so a failure shows how far it got.
 * The objects are built from ids as a script would after its own list_* calls.
 */
const SCRIPT = `
import json, os, sys
from libcloud.compute.providers import get_driver
from libcloud.compute.types import Provider
from libcloud.compute.base import NodeImage, NodeSize, NodeLocation
env = os.environ
# libcloud takes the scheme from secure=, not from the URL.
d = get_driver(Provider.CLOUDSTACK)(env['LC_KEY'], env['LC_SECRET'], url=env['LC_URL'], secure=False)
d.connection.poll_interval = 0.2
def out(step, **kw):
    print(json.dumps(dict(step=step, **kw)), flush=True)
loc = [l for l in d.list_locations() if l.id == env['LC_ZONE']][0]
size = [s for s in d.list_sizes() if s.id == env['LC_SIZE']][0]
image = NodeImage(id=env['LC_IMAGE'], name='builtin', driver=d)
node = d.create_node(name='libcloud-vm', size=size, image=image, location=loc, ex_start_vm=True)
out('create', id=node.id, name=node.name, state=node.state)
mine = [n for n in d.list_nodes() if n.id == node.id]
out('list', ids=[n.id for n in mine], states=[n.state for n in mine], names=[n.name for n in mine])
out('reboot', ok=d.reboot_node(node))
out('destroy', ok=d.destroy_node(node))
`;

/** Networking: a public IP, a port forward to a node, and a load balancer with that node as member. */
const NET_SCRIPT = `
import json, os
from libcloud.compute.providers import get_driver
from libcloud.compute.types import Provider
from libcloud.compute.base import NodeImage
from libcloud.loadbalancer.providers import get_driver as get_lb_driver
from libcloud.loadbalancer.types import Provider as LBProvider
from libcloud.loadbalancer.base import Member, Algorithm
env = os.environ
d = get_driver(Provider.CLOUDSTACK)(env['LC_KEY'], env['LC_SECRET'], url=env['LC_URL'], secure=False)
d.connection.poll_interval = 0.2
def out(step, **kw):
    print(json.dumps(dict(step=step, **kw)), flush=True)
loc = [l for l in d.list_locations() if l.id == env['LC_ZONE']][0]
size = [s for s in d.list_sizes() if s.id == env['LC_SIZE']][0]
node = d.create_node(name='web-1', size=size, image=NodeImage(id=env['LC_IMAGE'], name='builtin', driver=d), location=loc, ex_start_vm=True)
out('create', id=node.id, state=node.state)
ip = d.ex_allocate_public_ip(location=loc)
out('ip', id=ip.id, address=ip.address)
rule = d.ex_create_port_forwarding_rule(node, ip, 22, 2222, 'TCP')
out('pf', id=rule.id, public_port=rule.public_port, private_port=rule.private_port)
out('pflist', ids=[r.id for r in d.ex_list_port_forwarding_rules()])
u = env['LC_URL'].split('://', 1)[1]
host, path = u.split('/', 1)
lb = get_lb_driver(LBProvider.CLOUDSTACK)(env['LC_KEY'], env['LC_SECRET'], host=host.split(':')[0], port=int(host.split(':')[1]), path='/' + path, secure=False)
lb.connection.poll_interval = 0.2
bal = lb.create_balancer(name='web', members=[Member(id=node.id, ip=None, port=80)], protocol='http', port=80, algorithm=Algorithm.LEAST_CONNECTIONS, location=loc)
out('lb', id=bal.id, ip=bal.ip, port=bal.port)
out('members', ids=[m.id for m in lb.balancer_list_members(bal)])
lb.destroy_balancer(bal)
out('lbdestroy')
`;
import { until as waitUntil } from '../helpers/until.js';

function libcloud(env: Record<string, string>, script = SCRIPT): Promise<{ code: number | null; steps: Record<string, any>; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, ['-c', script], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('close', (code) => {
      const steps: Record<string, any> = {};
      for (const line of out.split('\n').filter(Boolean)) {
        const o = JSON.parse(line);
        steps[o.step] = o;
      }
      resolve({ code, steps, stderr: err });
    });
  });
}

const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> => waitUntil(what, f, ms, 200);

for (const dialect of dialectsUnderTest()) {
  describe(`Apache Libcloud against Nimbo (${dialect})`, { skip: libcloudSkip }, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect, { demoZone: true });
    });
    after(async () => s?.close());

    it('create_node, list_nodes, reboot_node and destroy_node work unmodified', async () => {
      await until('four demo hosts Up', async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === 4);
      const zone = (await s.admin.ok('listZones'))['zone'][0];
      const template = await until('the built-in template ready', async () => {
        const t = (await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: zone.id }))['template']?.[0];
        return t?.isready ? t : undefined;
      });
      const size = (await s.admin.ok('listServiceOfferings', { name: 'Small Instance' }))['serviceoffering'][0];
      const user = await s.newAccount();
      const r = await libcloud({ LC_KEY: user.opts.apiKey!, LC_SECRET: user.opts.secretKey!, LC_URL: s.endpoint, LC_ZONE: zone.id, LC_SIZE: size.id, LC_IMAGE: template.id });
      assert.equal(r.code, 0, `libcloud failed after steps ${Object.keys(r.steps).join(', ')}:\n${r.stderr}`);
      const { create, list, reboot, destroy } = r.steps;
      assert.equal(create.name, 'libcloud-vm');
      assert.equal(create.state, 'running');
      assert.deepEqual([list.ids, list.states, list.names], [[create.id], ['running'], ['libcloud-vm']]);
      assert.equal(reboot.ok, true);
      assert.equal(destroy.ok, true);
      // What libcloud did is what the server shows, with the events of each step.
      const vm = (await user.ok('listVirtualMachines', { id: create.id }))['virtualmachine'][0];
      assert.equal(vm.state, 'Destroyed');
      const types = ((await s.admin.ok('listEvents', { listall: true, pagesize: 500, page: 1 }))['event'] as any[]).filter((e) => e.account === user.accountName).map((e) => e.type);
      for (const t of ['VM.CREATE', 'VM.REBOOT', 'VM.DESTROY']) assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
    });

    it('acquires a public IP, forwards a port and load-balances to a node (compute and load-balancer drivers)', async () => {
      const zone = (await s.admin.ok('listZones'))['zone'][0];
      const template = (await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: zone.id }))['template'][0];
      const size = (await s.admin.ok('listServiceOfferings', { name: 'Small Instance' }))['serviceoffering'][0];
      const user = await s.newAccount();
      const r = await libcloud({ LC_KEY: user.opts.apiKey!, LC_SECRET: user.opts.secretKey!, LC_URL: s.endpoint, LC_ZONE: zone.id, LC_SIZE: size.id, LC_IMAGE: template.id }, NET_SCRIPT);
      assert.equal(r.code, 0, `libcloud failed after steps ${Object.keys(r.steps).join(', ')}:\n${r.stderr}`);
      const { create, ip, pf, pflist, lb, members, lbdestroy } = r.steps;
      assert.equal(create.state, 'running');
      const addr = (await user.ok('listPublicIpAddresses', { id: ip.id }))['publicipaddress'][0];
      assert.equal(addr.ipaddress, ip.address);
      const rule = (await user.ok('listPortForwardingRules', { id: pf.id }))['portforwardingrule'][0];
      assert.deepEqual([rule.publicport, rule.privateport, rule.virtualmachineid, rule.ipaddressid], ['2222', '22', create.id, ip.id]);
      assert.deepEqual(pflist.ids, [pf.id]);
      assert.equal(String(lb.port), '80');
      assert.deepEqual(members.ids, [create.id]);
      assert.ok(lbdestroy, 'destroy_balancer returned');
      assert.equal((await user.ok('listLoadBalancerRules', { id: lb.id }))['count'] ?? 0, 0, 'destroy_balancer deleted the rule');
      const left = ((await user.ok('listPublicIpAddresses'))['publicipaddress'] ?? []) as any[];
      assert.ok(!left.some((a) => a.ipaddress === lb.ip), 'and released its public IP');
    });
  });
}
