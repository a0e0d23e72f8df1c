/**
 * The host side of a router's legs: Linux bridges named by guestBridgeName(), VLAN
 * sub-interfaces of the host's guest (or public) interface for tagged networks, and veth
 * pairs whose other end lives in the router's namespace. `hostNetns` runs all of it inside
 * a namespace standing in for the host's own (tests share a machine with other clouds).
 */
import { exec, must } from './exec.js';
import { vlanIfName } from './names.js';

export class HostLinks {
  constructor(private readonly hostNetns?: string) {}

  private args(a: string[]): string[] {
    return this.hostNetns ? ['-n', this.hostNetns, ...a] : a;
  }

  ip(a: string[]): Promise<string> {
    return must('ip', this.args(a));
  }

  async exists(link: string): Promise<boolean> {
    return (await exec('ip', this.args(['link', 'show', 'dev', link]))).code === 0;
  }

  /** The bridge exists and is up (created when missing). */
  async ensureBridge(bridge: string): Promise<void> {
    if (!(await this.exists(bridge))) {
      const r = await exec('ip', this.args(['link', 'add', bridge, 'type', 'bridge']));
      // Another router (or the QEMU driver's guest) may have made it meanwhile.
      if (r.code !== 0 && !(await this.exists(bridge))) throw new Error(`creating bridge ${bridge} failed: ${r.stderr.trim()}`);
    }
    await this.ip(['link', 'set', bridge, 'up']);
  }

  /** `iface.vlan` exists, is a port of `bridge` and is up. */
  async ensureVlan(iface: string, vlan: number, bridge: string): Promise<void> {
    const sub = vlanIfName(iface, vlan);
    if (!(await this.exists(sub))) await this.ip(['link', 'add', 'link', iface, 'name', sub, 'type', 'vlan', 'id', String(vlan)]);
    await this.ip(['link', 'set', sub, 'master', bridge]);
    await this.ip(['link', 'set', iface, 'up']);
    await this.ip(['link', 'set', sub, 'up']);
  }

  /** A veth pair `hostEnd` (on `bridge`, up) ↔ `nsEnd` inside `netns` with `mac`; kept when present. */
  async ensureVeth(p: { hostEnd: string; bridge: string; netns: string; nsEnd: string; mac: string }): Promise<void> {
    if (!(await this.exists(p.hostEnd))) {
      await this.ip(['link', 'add', p.hostEnd, 'type', 'veth', 'peer', 'name', p.nsEnd, 'netns', p.netns]);
      await must('ip', ['-n', p.netns, 'link', 'set', p.nsEnd, 'address', p.mac]);
    }
    await this.ip(['link', 'set', p.hostEnd, 'master', p.bridge]);
    await this.ip(['link', 'set', p.hostEnd, 'up']);
    await must('ip', ['-n', p.netns, 'link', 'set', p.nsEnd, 'up']);
  }

  async deleteLink(link: string): Promise<void> {
    const r = await exec('ip', this.args(['link', 'del', 'dev', link]));
    if (r.code !== 0 && (await this.exists(link))) throw new Error(`deleting ${link} failed: ${r.stderr.trim()}`);
  }

  /** The ports of a bridge (empty when it does not exist). */
  async ports(bridge: string): Promise<string[]> {
    const r = await exec('ip', this.args(['-j', 'link', 'show', 'master', bridge]));
    if (r.code !== 0) return [];
    return (JSON.parse(r.stdout || '[]') as Array<{ ifname: string }>).map((l) => l.ifname);
  }

  /**
   * Removes `bridge` when nothing but our VLAN sub-interface still uses it (a guest's tap or
   * another router keeps it). The caller never passes an operator's own bridge.
   */
  async removeBridgeIfUnused(bridge: string, vlanSub: string | null): Promise<boolean> {
    if (!(await this.exists(bridge))) return false;
    const ports = await this.ports(bridge);
    if (ports.some((p) => p !== vlanSub)) return false;
    if (vlanSub && ports.includes(vlanSub)) await this.deleteLink(vlanSub);
    await this.deleteLink(bridge);
    return true;
  }
}
