/**
 * The deployment planner's data (STYLE §7): a HostSnapshot taken once per request, the VM's
 * requirements, and the two plug-in kinds — filters (pure predicates over one host) and
 * weighers (pure sort keys; lower comes first).
 */

export interface HostInfo {
  id: number;
  name: string;
  zoneId: number;
  podId: number;
  clusterId: number;
  /** Host status: 'Up', 'Down', 'Disconnected', … */
  status: string;
  /** 'Enabled', 'Disabled', 'Maintenance', 'PrepareForMaintenance', … */
  resourceState: string;
  hypervisor: string;
  cpus: number;
  /** MHz per core. */
  cpuSpeed: number;
  /** Bytes. */
  totalMemory: number;
  /** MHz reserved by VMs placed here. */
  cpuAllocated: number;
  /** Bytes reserved by VMs placed here. */
  memoryAllocated: number;
  tags: string[];
  osCategoryId: number | null;
  /** Cluster/pod/zone allocation states: a Disabled grouping takes no new VMs. */
  clusterEnabled: boolean;
  podEnabled: boolean;
  /** Cluster-scoped over-provisioning factors (null = the global value). */
  cpuFactor: number | null;
  memFactor: number | null;
}

export interface PoolInfo {
  id: number;
  zoneId: number;
  podId: number | null;
  clusterId: number | null;
  /** 'CLUSTER' | 'ZONE' | 'HOST' */
  scope: string;
  hostId: number | null;
  tags: string[];
  capacityBytes: number;
  allocatedBytes: number;
  /** Pool status: only 'Up' pools take new volumes. */
  status: string;
  /** Pool-scoped storage.overprovisioning.factor (null = the global value). */
  storageFactor?: number | null;
}

export interface HostSnapshot {
  hosts: HostInfo[];
  pools: PoolInfo[];
  /** The deploying account's VMs per host (for userdispersing / userconcentratedpod). */
  accountVmsByHost: Map<number, number>;
  /** Global factors; cluster and pool overrides ride on HostInfo/PoolInfo (and storageByPool for reservations). */
  factors: { cpu: number; mem: number; storage: number; storageByPool?: ReadonlyMap<number, number> };
}

export interface DiskNeed {
  bytes: number;
  tags: string[];
  /** A disk that already exists on a pool: the host must reach that pool (no new room needed). */
  poolId?: number;
}

export interface AvoidSet {
  hosts: Set<number>;
  clusters: Set<number>;
  pods: Set<number>;
  pools: Set<number>;
}

export interface VmRequirements {
  zoneId: number;
  accountId: number;
  cpuNumber: number;
  cpuSpeed: number;
  /** MiB, as service offerings store it. */
  ramMiB: number;
  /** The template's hypervisor; null when any will do (ISO, 'None'). */
  hypervisor: string | null;
  hostTag: string | null;
  osCategoryId: number | null;
  /** Root first, then any data disk. */
  disks: DiskNeed[];
  avoid: AvoidSet;
  /** Admin-chosen target (deployVirtualMachine hostid/clusterid/podid). */
  target: { hostId?: number; clusterId?: number; podId?: number };
}

/** What filters and weighers may look at besides the host: pure data of this request. */
export interface PlanContext {
  snapshot: HostSnapshot;
  req: VmRequirements;
  /** Pool per disk for the host, or null when some disk fits nowhere reachable from it. */
  poolsFor(host: HostInfo): number[] | null;
  /** The account's VMs per pod (userconcentratedpod). */
  accountVmsByPod: Map<number, number>;
}

/** Keeps the host (true) or removes it (false). Pure: no I/O, no clock. */
export type HostFilter = (host: HostInfo, ctx: PlanContext) => boolean;
/** Sort key: hosts with lower keys are tried first. */
export type HostWeigher = (host: HostInfo, ctx: PlanContext) => number;

export interface AllocatorPreset {
  /** Filter names from ALLOCATION_PLUGINS.filters, applied in order. */
  filters: string[];
  /** Weigher names, compared lexicographically (the first decides, the next breaks ties). */
  weighers: string[];
}

export const emptyAvoid = (): AvoidSet => ({ hosts: new Set(), clusters: new Set(), pods: new Set(), pools: new Set() });
