/**
 * Names of a namespace router's kernel objects. Inside its own namespace a router's legs have
 * fixed names; the host ends of its veths and the namespace itself carry a hash of the
 * agent's state directory and the router's instance name, so two agents (or two clouds) on
 * one machine never collide, and every name stays within IFNAMSIZ (15 bytes).
 */
import { createHash } from 'node:crypto';

/** The guest leg inside the router namespace (its gateway address lives here). */
export const GUEST_IF = 'guest0';
/** The public leg inside the router namespace (public addresses, default route). */
export const PUBLIC_IF = 'pub0';
/** The nftables table of a router (one per namespace, replaced whole with `nft -f`). */
export const NFT_TABLE = 'nimbo';

export interface RouterNames {
  /** `ip netns` name. */
  netns: string;
  /** Host end of the guest leg's veth. */
  hostGuest: string;
  /** Host end of the public leg's veth. */
  hostPublic: string;
}

export function routerNames(scope: string, instanceName: string): RouterNames {
  const h = createHash('sha256').update(`${scope}\0${instanceName}`).digest('hex').slice(0, 10);
  const safe = instanceName.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  return { netns: `nr-${h}-${safe}`, hostGuest: `nv${h}g`, hostPublic: `nv${h}p` };
}

/** The VLAN sub-interface of `iface` for `vlan`: `eth1.600`, or `nvl600.<hash>`-style when too long. */
export function vlanIfName(iface: string, vlan: number): string {
  const plain = `${iface}.${vlan}`;
  if (plain.length <= 15) return plain;
  return `nvl${vlan}${createHash('sha256').update(iface).digest('hex').slice(0, 15 - 3 - String(vlan).length)}`;
}
