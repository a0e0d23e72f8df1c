/**
 * Runs INSIDE the kernel lab's guest (test/helpers/kernel-lab.ts), started by
 * network-vlan-legs.test.ts: this machine's own kernel has no 802.1Q. The real LinuxRouters
 * gets `guestInterface: trunk0`, one end of a veth in the lab's host namespace; the other end
 * sits in a "switch" namespace whose `trunk0.600` is bridged to a guest's eth0, so the guest
 * reaches the router only through frames tagged 600. Its TAP output is read test by test on
 * the host side.
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

/** The switch carries VLAN `vlan` from the trunk to the guest (and nothing else). */
async function switchVlan(vlan: number, old?: number): Promise<void> {
  if (old !== undefined) await must('ip', ['-n', sw, 'link', 'del', 'dev', `${TRUNK}.${old}`]);
  await must('ip', ['-n', sw, 'link', 'add', 'link', TRUNK, 'name', `${TRUNK}.${vlan}`, 'type', 'vlan', 'id', String(vlan)]);
  await must('ip', ['-n', sw, 'link', 'set', `${TRUNK}.${vlan}`, 'master', 'br0']);
  await must('ip', ['-n', sw, 'link', 'set', `${TRUNK}.${vlan}`, 'up']);
}

before(async () => {
  L = await routerLab({ guestInterface: TRUNK });
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
});

after(async () => {
  await L?.cleanup();
});

test('start puts trunk0.600 into the network bridge beside the router leg', async () => {
  await L.routers.start(R, routerStartNics());
  const hostGuest = L.routers.record(R)!.names.hostGuest;
  const ports = JSON.parse(await must('ip', ['-n', L.host, '-j', 'link', 'show', 'master', BRIDGE])) as Array<{ ifname: string }>;
  assert.deepEqual(ports.map((p) => p.ifname).sort(), [hostGuest, `${TRUNK}.600`].sort());
  const [sub] = JSON.parse(await must('ip', ['-n', L.host, '-d', '-j', 'link', 'show', 'dev', `${TRUNK}.600`])) as Array<{ link: string; operstate: string; linkinfo: { info_kind: string; info_data: { protocol: string; id: number } } }>;
  assert.equal(sub!.link, TRUNK);
  assert.deepEqual([sub!.linkinfo.info_kind, sub!.linkinfo.info_data.protocol, sub!.linkinfo.info_data.id], ['vlan', '802.1Q', 600]);
  assert.notEqual(sub!.operstate, 'DOWN');
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
  const [stats] = JSON.parse(await must('ip', ['-n', L.host, '-s', '-j', 'link', 'show', 'dev', `${TRUNK}.600`])) as Array<{ stats64: { rx: { packets: number }; tx: { packets: number } } }>;
  assert.ok(stats!.stats64.rx.packets > 0 && stats!.stats64.tx.packets > 0, 'the traffic went through trunk0.600');
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
  await L.routers.start(R, routerStartNics());
  assert.deepEqual((await L.routers.apply(R, renderRouterDocument(baseState()))).changes, []);
  assert.deepEqual(await links(L.host), before);
});

test('destroy removes trunk0.600 and the bridge; the trunk itself stays', async () => {
  await L.routers.destroy(R);
  assert.equal(await exists(L.host, `${TRUNK}.600`), false);
  assert.equal(await exists(L.host, BRIDGE), false);
  assert.equal(await exists(L.host, TRUNK), true);
  await L.routers.destroy(R);
});
