/** Remote access VPN (one per source NAT address) and VPN users (per account, on all its VPNs). */
import type { Generated } from 'kysely';

export interface RemoteAccessVpnsTable {
  id: Generated<number>;
  uuid: string;
  account_id: number;
  domain_id: number;
  network_id: number;
  ip_address_id: number;
  /** Client addresses, `first-last`; the first is the VPN server's own. */
  ip_range: string;
  /** IPsec pre-shared key (shown to the owner, pushed to the router; never logged). */
  psk: string;
  open_firewall: number;
  for_display: number;
  /** Added | Running */
  state: string;
  created: number;
  removed: number | null;
}

export interface VpnUsersTable {
  id: Generated<number>;
  uuid: string;
  account_id: number;
  domain_id: number;
  username: string;
  /** The router's L2TP/PPP secret (never logged). */
  password: string;
  /** Add | Active | Revoke */
  state: string;
  created: number;
  removed: number | null;
}

export interface VpnTables {
  remote_access_vpns: RemoteAccessVpnsTable;
  vpn_users: VpnUsersTable;
}
