/**
 * The Linux bridge a guest or router NIC is plugged into on a real (QEMU) host. The QEMU
 * driver (guest taps) and the namespace router (its guest leg) must agree on it, so it is
 * decided here only. Interface names are at most 15 bytes (IFNAMSIZ - 1).
 */
export function guestBridgeName(broadcastUri: string | null | undefined): string {
  const vlan = /^vlan:\/\/(\d{1,4})$/.exec(broadcastUri ?? '');
  if (vlan) return `nbr${Number(vlan[1])}`;
  if (broadcastUri == null || broadcastUri === '' || broadcastUri === 'vlan://untagged') return 'nbr-untagged';
  throw new Error(`no bridge for broadcast URI ${broadcastUri}`);
}
