/**
 * Physical infrastructure an administrator provisions: zones, pods, clusters, primary and
 * secondary storage, physical networks with their traffic types and service providers,
 * VLAN/IP ranges with one row per public IP, guest VLANs and pod private addresses.
 * Conventions as in core.ts (integer id, uuid, epoch ms, 0/1 booleans, `removed`).
 */
import type { Generated } from 'kysely';

export interface ZonesTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  description: string | null;
  dns1: string | null;
  dns2: string | null;
  internal_dns1: string | null;
  internal_dns2: string | null;
  ip6_dns1: string | null;
  ip6_dns2: string | null;
  guest_cidr: string | null;
  /** 'Basic' | 'Advanced' */
  network_type: string;
  /** Network domain suffix of guest networks (the zone's `domain` parameter). */
  network_domain: string | null;
  /** Dedicated to this domain; null = public zone. */
  domain_id: number | null;
  /** 'Enabled' | 'Disabled' */
  allocation_state: string;
  local_storage_enabled: number;
  security_group_enabled: number;
  dhcp_provider: string;
  zone_token: string;
  created: number;
  removed: number | null;
}

export interface PodsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  zone_id: number;
  gateway: string | null;
  netmask: string | null;
  cidr: string | null;
  /** Private range used for system VMs (first range; further rows live in op_dc_ip_address_alloc). */
  start_ip: string | null;
  end_ip: string | null;
  allocation_state: string;
  created: number;
  removed: number | null;
}

export interface ClustersTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  pod_id: number;
  zone_id: number;
  /** 'Simulator' | 'KVM' | … (CloudStack's Hypervisor.HypervisorType spelling) */
  hypervisor_type: string;
  /** 'CloudManaged' | 'ExternalManaged' */
  cluster_type: string;
  allocation_state: string;
  /** 'Managed' | 'PrepareUnmanaged' | 'Unmanaged' | 'PrepareUnmanagedError' */
  managed_state: string;
  arch: string;
  url: string | null;
  created: number;
  removed: number | null;
}

export interface StoragePoolsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  zone_id: number;
  pod_id: number | null;
  cluster_id: number | null;
  /** 'CLUSTER' | 'ZONE' | 'HOST' */
  scope: string;
  host_id: number | null;
  /** CloudStack's StoragePoolType: NetworkFilesystem, Filesystem, Iscsi, SharedMountPoint… */
  pool_type: string;
  url: string;
  /** Host part of the URL (`ipaddress` on the wire). */
  host_address: string | null;
  /** Export/path of the URL; for file:// the local directory. */
  path: string;
  provider: string;
  /** Comma-separated storage tags. */
  tags: string | null;
  capacity_bytes: number;
  used_bytes: number;
  allocated_bytes: number;
  capacity_iops: number | null;
  /** 'Up' | 'PrepareForMaintenance' | 'Maintenance' | 'Disabled' | 'ErrorInMaintenance' | 'Down' (unreachable from a host: storage-outage.ts) */
  status: string;
  hypervisor: string | null;
  managed: number;
  created: number;
  removed: number | null;
}

export interface ImageStoresTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  /** null = region-wide (not used by Nimbo yet). */
  zone_id: number | null;
  url: string;
  /** 'nfs' | 'file' | … */
  protocol: string;
  provider_name: string;
  /** Local directory backing the store (file:// stores). */
  path: string | null;
  /** 'Image' | 'ImageCache' */
  role: string;
  readonly: number;
  capacity_bytes: number | null;
  used_bytes: number | null;
  /** When the store's directory was found unreachable (null: available); not on the wire (ImageStoreResponse has no state). */
  outage_since: number | null;
  outage_reason: string | null;
  created: number;
  removed: number | null;
}

export interface PhysicalNetworksTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  zone_id: number;
  domain_id: number | null;
  /** Guest VLAN ranges as given ("100-200;300-310"), null when none. */
  vlan: string | null;
  /** 'ZONE' | 'POD' */
  broadcast_domain_range: string;
  /** Comma list (VLAN, VXLAN, GRE, STT, …). */
  isolation_methods: string | null;
  tags: string | null;
  network_speed: string | null;
  /** 'Enabled' | 'Disabled' */
  state: string;
  created: number;
  removed: number | null;
}

export interface PhysicalNetworkTrafficTypesTable {
  id: Generated<number>;
  uuid: string;
  physical_network_id: number;
  /** 'Guest' | 'Public' | 'Management' | 'Storage' */
  traffic_type: string;
  kvm_network_label: string | null;
  xen_network_label: string | null;
  vmware_network_label: string | null;
  hyperv_network_label: string | null;
  ovm3_network_label: string | null;
  vlan: string | null;
  isolation_method: string | null;
}

export interface PhysicalNetworkServiceProvidersTable {
  id: Generated<number>;
  uuid: string;
  physical_network_id: number;
  provider_name: string;
  /** 'Enabled' | 'Disabled' | 'Shutdown' */
  state: string;
  destination_physical_network_id: number | null;
  /** Comma list of network services the provider offers (Dhcp,Dns,SourceNat,…). */
  services: string;
  removed: number | null;
}

export interface VirtualRouterElementsTable {
  id: Generated<number>;
  uuid: string;
  nsp_id: number;
  /** 'VirtualRouter' | 'VPCVirtualRouter' | 'InternalLbVm' (the internal LB element shares the table) */
  type: string;
  enabled: number;
  removed: number | null;
}

export interface VlansTable {
  id: Generated<number>;
  uuid: string;
  /** 'untagged' or the tag as given ("vlan://100" normalised to "vlan://100"). */
  vlan_tag: string;
  gateway: string;
  netmask: string;
  cidr: string;
  start_ip: string;
  end_ip: string;
  zone_id: number;
  pod_id: number | null;
  physical_network_id: number | null;
  network_id: number | null;
  /** 'VirtualNetwork' (public, source NAT) | 'DirectAttached' (shared networks) */
  vlan_type: string;
  /** Dedicated owner (DirectAttached tagged ranges, or a dedicated public range). */
  account_id: number | null;
  domain_id: number | null;
  for_system_vms: number;
  created: number;
  removed: number | null;
}

export interface UserIpAddressesTable {
  id: Generated<number>;
  uuid: string;
  public_ip_address: string;
  vlan_id: number;
  zone_id: number;
  physical_network_id: number | null;
  /** 'Free' | 'Allocating' | 'Allocated' | 'Releasing' | 'Reserved' */
  state: string;
  account_id: number | null;
  domain_id: number | null;
  allocated: number | null;
  source_nat: number;
  network_id: number | null;
  vpc_id: number | null;
  vm_id: number | null;
  vm_ip: string | null;
  one_to_one_nat: number;
  is_system: number;
  for_system_vms: number;
  removed: number | null;
}

export interface OpDcVnetAllocTable {
  id: Generated<number>;
  zone_id: number;
  physical_network_id: number;
  vnet: string;
  account_id: number | null;
  network_id: number | null;
  taken: number | null;
}

export interface OpDcIpAddressAllocTable {
  id: Generated<number>;
  pod_id: number;
  zone_id: number;
  ip_address: string;
  taken: number | null;
  instance_id: number | null;
  nic_id: number | null;
}

export interface InfraTables {
  zones: ZonesTable;
  pods: PodsTable;
  clusters: ClustersTable;
  storage_pools: StoragePoolsTable;
  image_stores: ImageStoresTable;
  physical_networks: PhysicalNetworksTable;
  physical_network_traffic_types: PhysicalNetworkTrafficTypesTable;
  physical_network_service_providers: PhysicalNetworkServiceProvidersTable;
  virtual_router_elements: VirtualRouterElementsTable;
  vlans: VlansTable;
  user_ip_addresses: UserIpAddressesTable;
  op_dc_vnet_alloc: OpDcVnetAllocTable;
  op_dc_ip_address_alloc: OpDcIpAddressAllocTable;
}
