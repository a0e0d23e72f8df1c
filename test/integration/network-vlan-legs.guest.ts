/**
 * Runs INSIDE the kernel lab's guest (test/helpers/kernel-lab.ts), started by
 * network-vlan-legs.test.ts: this machine's own kernel has no 802.1Q. The real LinuxRouters
 * gets `guestInterface: trunk0`, one end of a veth in the lab's host namespace; the other end
 * sits in a "switch" namespace whose `trunk0.600` is bridged to a guest's eth0, so the guest
 * reaches the router only through frames tagged 600. The router's public NIC is tagged too
 * (`vlan://700`, `publicInterface: ptrunk0`): ptrunk0's peer sits in the lab's "internet"
 * namespace, whose gateway address 203.0.113.1 moves from its untagged eth0 to `ptrunk0.700`,
 * so the guest reaches the internet only through frames tagged 700. Its TAP output is read
 * test by test on the host side.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, must } from '../../src/network/linux/exec.js';
import { guestBridgeName } from '../../src/network/linux/bridge-name.js';
import { renderRouterDocument } from '../../src/network/router/document.js';
import { baseState, GUEST_URI, routerLab, routerStartNics, type RouterLab } from '../helpers/router-lab.js';

const R = 'r-600-VM';
const TRUNK = 'trunk0';
const BRIDGE = guestBridgeName(GUEST_URI);
const PTRUNK = 'ptrunk0';
const PUBLIC_TAGGED = 'vlan://700';
const PUB_BRIDGE = guestBridgeName(PUBLIC_TAGGED);
let L: RouterLab;
let sw: string;
let guest: string;

/** Link names with their bridge (master) and index in `ns`: what "changes nothing" compares. */
async function links(ns: string): Promise<string[]> {
  const all = JSON.parse(await must('ip', ['-n', ns, '-j', 'link', 'show'])) as Array<{ ifindex: number; ifname: string; master?: string; operstate: string }>;
  return all.map((l) => `${l.ifindex}:${l.ifname}@${l.master ?? '-'}:${l.operstate}`).sort();
}

const exists = async (ns: string, link: string) => (await exec('ip', ['-n', ns, 'link', 'show', 'dev', link])).code === 0;
// busybox's ping: busybox-static is installed wherever the router tests run, iputils is not.
const ping = (ns: string, ip: string) => exec('ip', ['netns', 'exec', ns, 'busybox', 'ping', '-c', '2', '-W', '2', ip]);

/** `bridge`'s ports are exactly `hostEnd` and `trunk.vlan`, an up 802.1Q sub-interface of `trunk`. */
async function assertVlanPort(bridge: string, hostEnd: string, trunk: string, vlan: number): Promise<void> {
  const ports = JSON.parse(await must('ip', ['-n', L.host, '-j', 'link', 'show', 'master', bridge])) as Array<{ ifname: string }>;
  assert.deepEqual(ports.map((p) => p.ifname).sort(), [hostEnd, `${trunk}.${vlan}`].sort());
  const [sub] = JSON.parse(await must('ip', ['-n', L.host, '-d', '-j', 'link', 'show', 'dev', `${trunk}.${vlan}`])) as Array<{ link: string; operstate: string; linkinfo: { info_kind: string; info_data: { protocol: string; id: number } } }>;
  assert.equal(sub!.link, trunk);
  assert.deepEqual([sub!.linkinfo.info_kind, sub!.linkinfo.info_data.protocol, sub!.linkinfo.info_data.id], ['vlan', '802.1Q', vlan]);
  assert.notEqual(sub!.operstate, 'DOWN');
}

/** Packets received and sent by `dev` in `ns`. */
async function traffic(ns: string, dev: string): Promise<{ rx: number; tx: number }> {
  const [s] = JSON.parse(await must('ip', ['-n', ns, '-s', '-j', 'link', 'show', 'dev', dev])) as Array<{ stats64: { rx: { packets: number }; tx: { packets: number } } }>;
  return { rx: s!.stats64.rx.packets, tx: s!.stats64.tx.packets };
}

/** The internet's gateway 203.0.113.1 sits on `ptrunk0.<vlan>` of the inet namespace. */
async function internetVlan(vlan: number, old?: number): Promise<void> {
  if (old !== undefined) await must('ip', ['-n', L.inet, 'link', 'del', 'dev', `${PTRUNK}.${old}`]);
  await must('ip', ['-n', L.inet, 'link', 'add', 'link', PTRUNK, 'name', `${PTRUNK}.${vlan}`, 'type', 'vlan', 'id', String(vlan)]);
  await must('ip', ['-n', L.inet, 'addr', 'add', '203.0.113.1/24', 'dev', `${PTRUNK}.${vlan}`]);
  await must('ip', ['-n', L.inet, 'link', 'set', `${PTRUNK}.${vlan}`, 'up']);
}

/** The switch carries VLAN `vlan` from the trunk to the guest (and nothing else). */
async function switchVlan(vlan: number, old?: number): Promise<void> {
  if (old !== undefined) await must('ip', ['-n', sw, 'link', 'del', 'dev', `${TRUNK}.${old}`]);
  await must('ip', ['-n', sw, 'link', 'add', 'link', TRUNK, 'name', `${TRUNK}.${vlan}`, 'type', 'vlan', 'id', String(vlan)]);
  await must('ip', ['-n', sw, 'link', 'set', `${TRUNK}.${vlan}`, 'master', 'br0']);
  await must('ip', ['-n', sw, 'link', 'set', `${TRUNK}.${vlan}`, 'up']);
}

before(async () => {
  L = await routerLab({ guestInterface: TRUNK, publicInterface: PTRUNK });
  sw = await L.lab.ns('sw');
  guest = await L.lab.ns('g1');
  await must('ip', ['-n', L.host, 'link', 'add', TRUNK, 'type', 'veth', 'peer', 'name', TRUNK, 'netns', sw]);
  await must('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
  await must('ip', ['-n', sw, 'link', 'add', 'port1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', guest]);
  await must('ip', ['-n', guest, 'link', 'set', 'eth0', 'address', baseState().nics[0]!.mac]);
  for (const l of ['br0', TRUNK, 'port1']) await must('ip', ['-n', sw, 'link', 'set', l, 'up']);
  await must('ip', ['-n', sw, 'link', 'set', 'port1', 'master', 'br0']);
  await must('ip', ['-n', guest, 'link', 'set', 'eth0', 'up']);
  await switchVlan(600);
  // The internet leaves the lab's untagged public bridge: it is reachable over VLAN 700 only.
  await must('ip', ['-n', L.inet, 'addr', 'del', '203.0.113.1/24', 'dev', 'eth0']);
  await must('ip', ['-n', L.host, 'link', 'add', PTRUNK, 'type', 'veth', 'peer', 'name', PTRUNK, 'netns', L.inet]);
  await must('ip', ['-n', L.inet, 'link', 'set', PTRUNK, 'up']);
  await internetVlan(700);
});

after(async () => {
  await L?.cleanup();
});

test('start puts trunk0.600 into the network bridge beside the router leg', async () => {
  await L.routers.start(R, routerStartNics(GUEST_URI, PUBLIC_TAGGED));
  await assertVlanPort(BRIDGE, L.routers.record(R)!.names.hostGuest, TRUNK, 600);
});

test('start puts ptrunk0.700 into the public bridge beside the router public leg', async () => {
  assert.equal(PUB_BRIDGE, 'nbr700');
  await assertVlanPort(PUB_BRIDGE, L.routers.record(R)!.names.hostPublic, PTRUNK, 700);
});

test('the guest behind the switch gets its DHCP lease over VLAN 600 and pings the gateway', async () => {
  assert.equal((await L.routers.apply(R, renderRouterDocument(baseState()))).changed, true);
  const script = join(L.stateDir, 'udhcpc.sh');
  writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && printf "ip=%s\\nrouter=%s\\n" "$ip" "$router" > "$0.out"\nexit 0\n');
  chmodSync(script, 0o755);
  await must('ip', ['netns', 'exec', guest, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '10', '-T', '3', '-s', script]);
  assert.equal(readFileSync(`${script}.out`, 'utf8'), 'ip=10.1.1.10\nrouter=10.1.1.1\n');
  await must('ip', ['-n', guest, 'addr', 'add', '10.1.1.10/24', 'dev', 'eth0']);
  const r = await ping(guest, '10.1.1.1');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const t = await traffic(L.host, `${TRUNK}.600`);
  assert.ok(t.rx > 0 && t.tx > 0, 'the traffic went through trunk0.600');
});

test('the guest reaches the internet through source NAT over public VLAN 700', async () => {
  await must('ip', ['-n', guest, 'route', 'add', 'default', 'via', '10.1.1.1']);
  // The internet has no route to 10.1.1.0/24: its replies come back only to the NAT address.
  assert.notEqual((await exec('ip', ['-n', L.inet, 'route', 'get', '10.1.1.10'])).code, 0);
  const before = await traffic(L.inet, `${PTRUNK}.700`);
  const r = await ping(guest, '198.51.100.53');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const after = await traffic(L.inet, `${PTRUNK}.700`);
  assert.ok(after.rx > before.rx && after.tx > before.tx, 'the traffic went through ptrunk0.700');
  const neigh = await must('ip', ['-n', L.inet, 'neigh', 'show', 'dev', `${PTRUNK}.700`]);
  assert.match(neigh, /^203\.0\.113\.10 /m, 'the internet saw the source NAT address');
});

test('with the internet on VLAN 701 the guest cannot reach it; back on 700 it can', async () => {
  await internetVlan(701, 700);
  assert.notEqual((await ping(guest, '198.51.100.53')).code, 0, 'frames tagged 700 find nobody on 701');
  await internetVlan(700, 701);
  const r = await ping(guest, '198.51.100.53');
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('with the switch on VLAN 601 the guest cannot reach the gateway; back on 600 it can', async () => {
  await switchVlan(601, 600);
  await must('ip', ['-n', guest, 'neigh', 'flush', 'dev', 'eth0']);
  assert.notEqual((await ping(guest, '10.1.1.1')).code, 0, 'frames tagged 601 never reach the router');
  await switchVlan(600, 601);
  const r = await ping(guest, '10.1.1.1');
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('starting and applying again changes nothing on the host', async () => {
  const before = await links(L.host);
  await L.routers.start(R, routerStartNics(GUEST_URI, PUBLIC_TAGGED));
  assert.deepEqual((await L.routers.apply(R, renderRouterDocument(baseState()))).changes, []);
  assert.deepEqual(await links(L.host), before);
});

test('destroy removes trunk0.600, ptrunk0.700 and both bridges; the trunks themselves stay', async () => {
  await L.routers.destroy(R);
  for (const link of [`${TRUNK}.600`, BRIDGE, `${PTRUNK}.700`, PUB_BRIDGE]) assert.equal(await exists(L.host, link), false, link);
  assert.equal(await exists(L.host, TRUNK), true);
  assert.equal(await exists(L.host, PTRUNK), true);
  await L.routers.destroy(R);
});
