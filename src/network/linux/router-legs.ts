/**
 * A router's legs (guest, public) as decided from its start NICs, and the namespace-side
 * kernel state they carry: addresses (reconciled against `ip -j addr`), the default route
 * and `tc` shaping. Every function reports whether it changed anything.
 */
import type { NicSpec } from '../../protocol/messages.js';
import { guestBridgeName } from './bridge-name.js';
import { exec, must } from './exec.js';
import { vlanIfName } from './names.js';

export interface Leg {
  bridge: string;
  /** The VLAN sub-interface of the host's trunk in `bridge`, when the NIC is tagged and a trunk is configured. */
  trunk: string | null;
  vlan: number | null;
  vlanSub: string | null;
  mac: string;
  ip: string | null;
  prefix: number;
  gateway: string | null;
}

export function prefixOf(netmask: string | null, dflt: number): number {
  if (!netmask) return dflt;
  const bits = netmask.split('.').map(Number).reduce((n, o) => n * 256 + o, 0).toString(2);
  return /^1*0*$/.test(bits.padStart(32, '0')) ? bits.replace(/0/g, '').length : dflt;
}

/** The leg of `nic`: its bridge (`bridgeOverride`, else guestBridgeName) and VLAN sub-interface on `trunk`. */
export function legOf(nic: NicSpec, trunk: string | undefined, bridgeOverride?: string): Leg {
  const m = /^vlan:\/\/(\d{1,4})$/.exec(nic.broadcastUri ?? '');
  const vlan = m ? Number(m[1]) : null;
  const useTrunk = !bridgeOverride && vlan !== null && trunk ? trunk : null;
  return {
    bridge: bridgeOverride ?? guestBridgeName(nic.broadcastUri), trunk: useTrunk, vlan, vlanSub: useTrunk && vlan !== null ? vlanIfName(useTrunk, vlan) : null,
    mac: nic.mac, ip: nic.ip, prefix: prefixOf(nic.netmask, 24), gateway: nic.gateway,
  };
}

/** Makes `dev`'s IPv4 addresses exactly `want` (`ip/prefix`); true when something changed. */
export async function syncAddresses(netns: string, dev: string, want: string[]): Promise<boolean> {
  const out = JSON.parse(await must('ip', ['-n', netns, '-j', 'addr', 'show', 'dev', dev]) || '[]') as Array<{ addr_info?: Array<{ family: string; local: string; prefixlen: number }> }>;
  const cur = (out[0]?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
  const add = want.filter((w) => !cur.includes(w));
  const del = cur.filter((c) => !want.includes(c));
  // Add first: with promote_secondaries the survivors keep their routes when a primary goes.
  for (const a of add) await must('ip', ['-n', netns, 'addr', 'add', a, 'dev', dev]);
  for (const a of del) await must('ip', ['-n', netns, 'addr', 'del', a, 'dev', dev]);
  return add.length + del.length > 0;
}

/** The default route via the public gateway; true when it had to be (re)set. */
export async function syncDefaultRoute(netns: string, dev: string, gateway: string): Promise<boolean> {
  const cur = await must('ip', ['-n', netns, 'route', 'show', 'default']);
  if (cur.includes(`via ${gateway} dev ${dev}`)) return false;
  await must('ip', ['-n', netns, 'route', 'replace', 'default', 'via', gateway, 'dev', dev]);
  return true;
}

/**
 * `network.throttling.rate` as a token bucket on each leg's egress (guest0: what guests
 * download; pub0: what they upload), or no qdisc at all when the rate is null.
 */
/**
 * Whether every leg's root qdisc is what `mbps` asks (tbf at that rate, or none of ours): the
 * kernel's state, not the router's files, which outlive a namespace rebuilt after a reboot.
 */
export async function shapingInForce(netns: string, devs: string[], mbps: number | null): Promise<boolean> {
  // One `tc` for every leg: re-applying an unchanged document runs this each time.
  const r = await exec('tc', ['-n', netns, '-j', 'qdisc', 'show']);
  if (r.code !== 0) return false;
  const roots = (JSON.parse(r.stdout || '[]') as Array<{ kind?: string; dev?: string; root?: boolean; options?: { rate?: number } }>).filter((q) => q.root);
  return devs.every((dev) => {
    const q = roots.find((x) => x.dev === dev);
    return mbps === null ? q?.kind !== 'tbf' : q?.kind === 'tbf' && q.options?.rate === (mbps * 1_000_000) / 8;
  });
}

export async function setShaping(netns: string, devs: string[], mbps: number | null): Promise<void> {
  for (const dev of devs) {
    if (mbps === null) {
      await exec('tc', ['-n', netns, 'qdisc', 'del', 'dev', dev, 'root']);
      continue;
    }
    // A burst of 10 ms at the rate (at least 32 KiB) keeps tbf accurate at any HZ.
    const burst = Math.max(32 * 1024, Math.ceil((mbps * 1_000_000) / 8 / 100));
    await must('tc', ['-n', netns, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${mbps}mbit`, 'burst', String(burst), 'latency', '50ms']);
  }
}
