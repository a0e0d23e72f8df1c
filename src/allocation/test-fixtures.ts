/** Builders for planner unit tests and the planner benchmark. */
import { MiB } from './capacity.js';
import { emptyAvoid, type HostInfo, type HostSnapshot, type PoolInfo, type VmRequirements } from './types.js';

export function host(id: number, over: Partial<HostInfo> = {}): HostInfo {
  return {
    id, name: `h${id}`, zoneId: 1, podId: 1, clusterId: 1, status: 'Up', resourceState: 'Enabled', hypervisor: 'Simulator',
    cpus: 4, cpuSpeed: 1000, totalMemory: 4096 * MiB, cpuAllocated: 0, memoryAllocated: 0, tags: [], osCategoryId: null,
    clusterEnabled: true, podEnabled: true, cpuFactor: null, memFactor: null, ...over,
  };
}

export function pool(id: number, over: Partial<PoolInfo> = {}): PoolInfo {
  return { id, zoneId: 1, podId: 1, clusterId: 1, scope: 'CLUSTER', hostId: null, tags: [], capacityBytes: 1e12, allocatedBytes: 0, status: 'Up', ...over };
}

export function snapshot(hosts: HostInfo[], pools: PoolInfo[] = [pool(1)], over: Partial<HostSnapshot> = {}): HostSnapshot {
  return { hosts, pools, accountVmsByHost: new Map(), factors: { cpu: 1, mem: 1, storage: 1 }, ...over };
}

export function vmReq(over: Partial<VmRequirements> = {}): VmRequirements {
  return {
    zoneId: 1, accountId: 2, cpuNumber: 1, cpuSpeed: 500, ramMiB: 512, hypervisor: 'Simulator', hostTag: null, osCategoryId: null,
    disks: [{ bytes: 1e9, tags: [] }], avoid: emptyAvoid(), target: {}, ...over,
  };
}
