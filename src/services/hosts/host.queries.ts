/** The host row as listHosts shows it: the hosts columns plus zone/pod/cluster names. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';

export function hostQuery(k: Kysely<Database>) {
  return k.selectFrom('hosts as h')
    .innerJoin('zones as z', 'z.id', 'h.zone_id')
    .innerJoin('pods as p', 'p.id', 'h.pod_id')
    .innerJoin('clusters as c', 'c.id', 'h.cluster_id')
    .select([
      'h.id', 'h.uuid', 'h.name', 'h.type', 'h.zone_id', 'h.pod_id', 'h.cluster_id', 'h.status', 'h.resource_state', 'h.hypervisor_type',
      'h.hypervisor_version', 'h.cpu_sockets', 'h.cpus', 'h.cpu_speed', 'h.total_memory', 'h.cpu_allocated', 'h.memory_allocated',
      'h.local_storage', 'h.arch', 'h.host_tags', 'h.os_category_id', 'h.private_ip', 'h.last_ping', 'h.mgmt_server_id', 'h.disconnected',
      'h.created', 'h.removed', 'z.uuid as zone_uuid', 'z.name as zone_name', 'p.uuid as pod_uuid', 'p.name as pod_name',
      'c.uuid as cluster_uuid', 'c.name as cluster_name', 'c.cluster_type',
    ]);
}

export type HostRow = Awaited<ReturnType<ReturnType<typeof hostQuery>['executeTakeFirstOrThrow']>>;
