/**
 * A namespace router lab: a namespace standing in for the host (bridges live there), one for
 * "the internet" (the public gateway 203.0.113.1, servers on 198.51.100.0/24 and a DNS
 * resolver the router forwards to), guests plugged into the guest network's bridge, and the
 * router state a test renders documents from with the real renderer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { must } from '../../src/network/linux/exec.js';
import { guestBridgeName } from '../../src/network/linux/bridge-name.js';
import { LinuxRouters, type LinuxRouterOptions } from '../../src/network/linux/linux-router.js';
import type { RouterState } from '../../src/network/router/document.js';
import type { NicSpec } from '../../src/protocol/messages.js';
import { NetLab } from './netns-lab.js';

export const GUEST_URI = 'vlan://600';
export const PUBLIC_URI = 'vlan://untagged';

/**
 * The router's start NICs as routerNics() gives them: guest gateway and public source NAT
 * address. A tagged `publicUri` (`vlan://700`) is for labs whose test wires the internet itself.
 */
export function routerStartNics(guestUri = GUEST_URI, publicUri = PUBLIC_URI): NicSpec[] {
  return [
    { uuid: 'r-guest', deviceId: 0, mac: '02:00:0a:01:01:01', ip: '10.1.1.1', netmask: '255.255.255.0', gateway: null, isDefault: false, trafficType: 'Guest', broadcastUri: guestUri },
    { uuid: 'r-control', deviceId: 1, mac: '02:00:a9:fe:00:01', ip: '169.254.0.1', netmask: '255.255.0.0', gateway: null, isDefault: false, trafficType: 'Control', broadcastUri: null },
    { uuid: 'r-public', deviceId: 2, mac: '02:00:cb:00:71:0a', ip: '203.0.113.10', netmask: '255.255.255.0', gateway: '203.0.113.1', isDefault: true, trafficType: 'Public', broadcastUri: publicUri },
  ];
}

/** A network with two guests, four public IPs (source NAT, forwards, static NAT, LB) and no rules yet. */
export function baseState(): RouterState {
  return {
    network: { uuid: 'net-1', cidr: '10.1.1.0/24', gateway: '10.1.1.1', netmask: '255.255.255.0', vlan: '600', domain: 'lab.internal', egressDefaultAllow: true },
    zone: { name: 'zone-lab', dns: ['198.51.100.53'] },
    addresses: [
      { ip: '203.0.113.10', sourceNat: true, staticNatTo: null },
      { ip: '203.0.113.11', sourceNat: false, staticNatTo: null },
      { ip: '203.0.113.12', sourceNat: false, staticNatTo: '10.1.1.20' },
      { ip: '203.0.113.13', sourceNat: false, staticNatTo: null },
    ],
    rules: [],
    nics: [
      { ip: '10.1.1.10', mac: '02:00:00:00:01:10', hostName: 'web1', vmUuid: 'vm-web1', isDefault: true, userData: Buffer.from('#cloud-config\nhello: web1\n').toString('base64'), password: 'pw-web1', serviceOffering: 'Small', publicIp: null },
      { ip: '10.1.1.20', mac: '02:00:00:00:01:20', hostName: 'web2', vmUuid: 'vm-web2', isDefault: true, userData: null, password: null, serviceOffering: 'Small', publicIp: '203.0.113.12' },
    ],
    throttleMbps: 100,
  };
}

export interface RouterLab {
  lab: NetLab;
  host: string;
  inet: string;
  stateDir: string;
  routers: LinuxRouters;
  /** Adds a guest namespace whose eth0 (with `mac`) is a port of the guest bridge. */
  guest(role: string, mac: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** `trunks`: host interfaces for tagged legs (inside the lab's host namespace; the test makes them). */
export async function routerLab(trunks: Pick<LinuxRouterOptions, 'guestInterface' | 'publicInterface'> = {}): Promise<RouterLab> {
  const lab = new NetLab();
  const stateDir = mkdtempSync(join(tmpdir(), 'nimbo-vrouter-'));
  const routers = new LinuxRouters({ stateDir, hostNetns: `vt${lab.id}-host`, ...trunks });
  const cleanup = async () => {
    for (const r of routers.list()) await routers.destroy(r).catch(() => undefined);
    await lab.cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const host = await lab.ns('host');
    const inet = await lab.ns('inet');
    const pub = guestBridgeName(PUBLIC_URI);
    await must('ip', ['-n', host, 'link', 'add', pub, 'type', 'bridge']);
    await must('ip', ['-n', host, 'link', 'set', pub, 'up']);
    await plug(lab, host, inet, pub, '02:00:cb:00:71:01');
    await must('ip', ['-n', inet, 'addr', 'add', '203.0.113.1/24', 'dev', 'eth0']);
    // The internet's servers, and eight client addresses for the source-hash balancer.
    for (const a of ['198.51.100.53', ...Array.from({ length: 8 }, (_, i) => `198.51.100.${60 + i}`)]) await must('ip', ['-n', inet, 'addr', 'add', `${a}/32`, 'dev', 'lo']);
    return {
      lab, host, inet, stateDir, routers, cleanup,
      guest: async (role, mac) => {
        const ns = await lab.ns(role);
        await plug(lab, host, ns, guestBridgeName(GUEST_URI), mac);
        return ns;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** A veth from `host`'s `bridge` to `eth0` (with `mac`, up) inside `ns`; the bridge is made when missing. */
async function plug(lab: NetLab, host: string, ns: string, bridge: string, mac: string): Promise<void> {
  const end = lab.link(ns.slice(-4));
  if ((await must('ip', ['-n', host, '-o', 'link', 'show'])).split('\n').every((l) => !l.includes(` ${bridge}:`))) {
    await must('ip', ['-n', host, 'link', 'add', bridge, 'type', 'bridge']);
    await must('ip', ['-n', host, 'link', 'set', bridge, 'up']);
  }
  await must('ip', ['-n', host, 'link', 'add', end, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await must('ip', ['-n', host, 'link', 'set', end, 'master', bridge]);
  await must('ip', ['-n', host, 'link', 'set', end, 'up']);
  await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'address', mac]);
  await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
}
