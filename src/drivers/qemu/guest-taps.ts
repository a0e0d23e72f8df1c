/**
 * A guest's NICs on the host: each is a tap QEMU made (`tapName`), plugged here into its
 * network's bridge, which is made when missing with the network's VLAN sub-interface of the
 * guest interface as a port: the very leg the router side builds (router-legs.ts), so a guest
 * reaches its network whether or not the network's router runs on this host. Bridges stay when
 * guests stop, as on a CloudStack KVM host; the router side removes its own when the network
 * goes. With a host namespace (tests), the tap moves there first.
 */
import type { NicSpec } from '../../protocol/messages.js';
import { HostLinks } from '../../network/linux/host-links.js';
import { legOf, type Leg } from '../../network/linux/router-legs.js';
import { tapName } from './qemu-args.js';
import { run } from './run.js';

export async function plugTaps(host: string, nics: NicSpec[], o: { guestInterface?: string | undefined; hostNetns?: string | undefined }): Promise<void> {
  const links = new HostLinks(o.hostNetns);
  for (const n of nics) {
    const tap = tapName(host, n.uuid);
    let leg: Leg;
    try {
      leg = legOf(n, o.guestInterface);
    } catch {
      // A kind of network this host has no bridge for: the NIC stays unplugged, the guest runs.
      await run('ip', ['link', 'set', tap, 'up']);
      continue;
    }
    if (o.hostNetns) await run('ip', ['link', 'set', tap, 'netns', o.hostNetns]);
    await links.ensureBridge(leg.bridge);
    if (leg.trunk && leg.vlan !== null) await links.ensureVlan(leg.trunk, leg.vlan, leg.bridge);
    await links.ip(['link', 'set', tap, 'master', leg.bridge]);
    await links.ip(['link', 'set', tap, 'up']);
  }
}
