/** Reads the HostSnapshot the planner works on: once per placement, plain data afterwards. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.js';
import { splitTags, vmDb } from '../services/vms/contract.js';
import type { HostSnapshot } from './types.js';

export async function loadSnapshot(
  k: Kysely<Database>,
  zoneId: number,
  accountId: number,
  factors: HostSnapshot['factors'],
): Promise<HostSnapshot> {
  const db = vmDb(k);
  const [hosts, pools, mine] = await Promise.all([
    db.selectFrom('hosts')
      .innerJoin('clusters', 'clusters.id', 'hosts.cluster_id')
      .innerJoin('pods', 'pods.id', 'hosts.pod_id')
      .select([
        'hosts.id', 'hosts.name', 'hosts.zone_id', 'hosts.pod_id', 'hosts.cluster_id', 'hosts.status', 'hosts.resource_state',
        'hosts.hypervisor_type', 'hosts.cpus', 'hosts.cpu_speed', 'hosts.total_memory', 'hosts.cpu_allocated', 'hosts.memory_allocated',
        'hosts.host_tags', 'hosts.os_category_id', 'clusters.allocation_state as cluster_state', 'pods.allocation_state as pod_state',
      ])
      .where('hosts.zone_id', '=', zoneId)
      .where('hosts.removed', 'is', null)
      .execute(),
    db.selectFrom('storage_pools')
      .select(['id', 'zone_id', 'pod_id', 'cluster_id', 'scope', 'host_id', 'tags', 'capacity_bytes', 'allocated_bytes', 'status'])
      .where('zone_id', '=', zoneId)
      .where('removed', 'is', null)
      .execute(),
    db.selectFrom('vm_instances')
      .select(['host_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .where('host_id', 'is not', null)
      .where('removed', 'is', null)
      .groupBy('host_id')
      .execute(),
  ]);
  return {
    factors,
    hosts: hosts.map((h) => ({
      id: h.id, name: h.name, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id, status: h.status,
      resourceState: h.resource_state, hypervisor: h.hypervisor_type, cpus: Number(h.cpus), cpuSpeed: Number(h.cpu_speed),
      totalMemory: Number(h.total_memory), cpuAllocated: Number(h.cpu_allocated), memoryAllocated: Number(h.memory_allocated),
      tags: splitTags(h.host_tags), osCategoryId: h.os_category_id, clusterEnabled: h.cluster_state === 'Enabled',
      podEnabled: h.pod_state === 'Enabled', cpuFactor: null, memFactor: null,
    })),
    pools: pools.map((p) => ({
      id: p.id, zoneId: p.zone_id, podId: p.pod_id, clusterId: p.cluster_id, scope: p.scope, hostId: p.host_id,
      tags: splitTags(p.tags), capacityBytes: Number(p.capacity_bytes), allocatedBytes: Number(p.allocated_bytes), status: p.status,
    })),
    accountVmsByHost: new Map(mine.map((r) => [r.host_id!, Number(r.n)])),
  };
}
