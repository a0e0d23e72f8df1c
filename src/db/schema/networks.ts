/**
 * Guest networking (issue #7): network offerings and their services, guest networks, NICs,
 * firewall/port-forwarding/LB/static-NAT rules in one `firewall_rules` table keyed by
 * `purpose` (as CloudStack), their CIDRs, LB members and stickiness policies.
 * Conventions as in core.ts (integer id, uuid, epoch ms, 0/1 booleans, `removed`).
 */
import type { Generated } from 'kysely';

export interface NetworkOfferingsTable {
  id: Generated<number>;
  uuid: string;
  /** Unique name (CloudStack's unique_name). */
  name: string;
  display_text: string;
  /** 'Guest' | 'Public' | … */
  traffic_type: string;
  /** 'Isolated' | 'Shared' */
  guest_type: string;
  /** 'Required' | 'Optional' | 'Unavailable' */
  availability: string;
  /** 'Enabled' | 'Disabled' */
  state: string;
  is_default: number;
  /** Seeded by the system (cannot be deleted or renamed). */
  is_system: number;
  specify_vlan: number;
  specify_ip_ranges: number;
  conserve_mode: number;
  egress_default_policy: number;
  is_persistent: number;
  network_rate: number | null;
  tags: string | null;
  max_connections: number | null;
  sort_key: number;
  created: number;
  removed: number | null;
}

/** One row per (offering, service, provider). */
export interface NetworkOfferingServicesTable {
  id: Generated<number>;
  network_offering_id: number;
  /** Dhcp, Dns, UserData, SourceNat, StaticNat, PortForwarding, Lb, Firewall, Vpn, SecurityGroup… */
  service: string;
  /** VirtualRouter, SecurityGroupProvider… */
  provider: string;
}

export interface NetworksTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  display_text: string;
  network_offering_id: number;
  zone_id: number;
  physical_network_id: number | null;
  account_id: number;
  domain_id: number;
  /** 'Isolated' | 'Shared' */
  guest_type: string;
  traffic_type: string;
  cidr: string | null;
  gateway: string | null;
  netmask: string | null;
  /** Guest VLAN tag while implemented (isolated) or the fixed tag (shared); null otherwise. */
  vlan: string | null;
  /** vlan://123 or vlan://untagged */
  broadcast_uri: string | null;
  /** 'Allocated' | 'Implementing' | 'Implemented' | 'Shutdown' | 'Destroy' */
  state: string;
  network_domain: string | null;
  /** 'Account' | 'Domain' */
  acl_type: string;
  /** Shared networks with an IP range: the range their NICs are taken from. */
  start_ip: string | null;
  end_ip: string | null;
  /** Set by restartNetwork/update when the router must be re-pushed. */
  restart_required: number;
  created: number;
  removed: number | null;
}

export interface NicsTable {
  id: Generated<number>;
  uuid: string;
  vm_id: number;
  network_id: number;
  ip_address: string | null;
  mac_address: string;
  netmask: string | null;
  gateway: string | null;
  device_id: number;
  is_default: number;
  /** 'Allocated' | 'Reserved' | 'Released' */
  state: string;
  created: number;
  removed: number | null;
}

export interface FirewallRulesTable {
  id: Generated<number>;
  uuid: string;
  /** 'Firewall' | 'PortForwarding' | 'LoadBalancing' | 'StaticNat' | 'Egress' (stored as Firewall + traffic_type Egress in CloudStack) */
  purpose: string;
  ip_address_id: number | null;
  network_id: number;
  account_id: number;
  domain_id: number;
  /** tcp | udp | icmp | all */
  protocol: string;
  start_port: number | null;
  end_port: number | null;
  icmp_type: number | null;
  icmp_code: number | null;
  /** 'Add' | 'Active' | 'Revoke' */
  state: string;
  /** 'Ingress' | 'Egress' */
  traffic_type: string;
  vm_id: number | null;
  dest_port_start: number | null;
  dest_port_end: number | null;
  vm_ip: string | null;
  /** LB: roundrobin | leastconn | source */
  algorithm: string | null;
  name: string | null;
  description: string | null;
  /** The firewall rule a PF/LB rule opened (openfirewall=true). */
  related_id: number | null;
  created: number;
  removed: number | null;
}

export interface FirewallRuleCidrsTable {
  id: Generated<number>;
  rule_id: number;
  cidr: string;
}

export interface LbVmMapTable {
  id: Generated<number>;
  rule_id: number;
  vm_id: number;
  created: number;
}

export interface LbStickinessPoliciesTable {
  id: Generated<number>;
  uuid: string;
  rule_id: number;
  name: string;
  description: string | null;
  /** LbCookie | AppCookie | SourceBased */
  method: string;
  /** JSON object of the policy parameters. */
  params: string;
  created: number;
  removed: number | null;
}

/** Secondary guest IPs of a NIC (addIpToNic); hard-deleted by removeIpFromNic and at expunge. */
export interface NicSecondaryIpsTable {
  id: Generated<number>;
  uuid: string;
  nic_id: number;
  vm_id: number;
  network_id: number;
  ip_address: string;
  account_id: number;
  domain_id: number;
  created: number;
}

export interface NetworksTables {
  network_offerings: NetworkOfferingsTable;
  network_offering_services: NetworkOfferingServicesTable;
  networks: NetworksTable;
  nics: NicsTable;
  firewall_rules: FirewallRulesTable;
  firewall_rule_cidrs: FirewallRuleCidrsTable;
  lb_vm_map: LbVmMapTable;
  lb_stickiness_policies: LbStickinessPoliciesTable;
  nic_secondary_ips: NicSecondaryIpsTable;
}
