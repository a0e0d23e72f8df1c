/** Wire shapes of zones, pods, clusters, storage pools, image stores and capacity, with their mappers. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { ClusterRow, ImageStoreRow, PodRow, PoolRow, ZoneRow } from '../../services/infra/infra.queries.js';
import { CAPACITY_TYPES, percent, type CapacityItem } from '../../services/infra/capacity.service.js';

/** The short capacity entries inside zone/pod/cluster objects (`showcapacities=true`). */
export function toCapacityBrief(items: CapacityItem[]): Wire[] {
  return items.map((c) => ({ type: c.type, name: CAPACITY_TYPES[c.type], capacityused: c.used, capacitytotal: c.total, percentused: percent(c.used, c.total) }));
}

export const zoneResponse = defineResponse({
  objectName: 'zone',
  className: 'ZoneResponse',
  fields: {
    id: 'string', name: 'string', description: 'string', dns1: 'string', dns2: 'string', ip6dns1: 'string', ip6dns2: 'string', internaldns1: 'string',
    internaldns2: 'string', guestcidraddress: 'string', displaytext: 'string', domain: 'string', domainid: 'string', domainname: 'string',
    networktype: 'string', securitygroupsenabled: 'boolean', allocationstate: 'string', zonetoken: 'string', dhcpprovider: 'string',
    capacity: 'list', localstorageenabled: 'boolean', tags: 'set', resourcedetails: 'map', type: 'string', hasannotations: 'boolean',
  },
});

export function toZone(z: ZoneRow, capacity?: CapacityItem[]): Wire {
  return {
    id: z.uuid, name: z.name, description: z.description ?? undefined, dns1: z.dns1 ?? undefined, dns2: z.dns2 ?? undefined,
    ip6dns1: z.ip6_dns1 ?? undefined, ip6dns2: z.ip6_dns2 ?? undefined, internaldns1: z.internal_dns1 ?? undefined, internaldns2: z.internal_dns2 ?? undefined,
    guestcidraddress: z.guest_cidr ?? undefined, displaytext: z.description ?? undefined, domain: z.network_domain ?? undefined,
    domainid: z.domain_uuid ?? undefined, domainname: z.domain_name ?? undefined, networktype: z.network_type,
    securitygroupsenabled: z.security_group_enabled === 1, allocationstate: z.allocation_state, zonetoken: z.zone_token,
    dhcpprovider: z.dhcp_provider, capacity: capacity ? toCapacityBrief(capacity) : undefined, localstorageenabled: z.local_storage_enabled === 1,
    tags: [], type: 'Core', hasannotations: false,
  };
}

/** Users see a zone's public facts only (CloudStack hides DNS and tokens from non-admins). */
export function toZoneForUser(z: ZoneRow): Wire {
  const w = toZone(z);
  for (const k of ['dns1', 'dns2', 'ip6dns1', 'ip6dns2', 'internaldns1', 'internaldns2', 'guestcidraddress', 'zonetoken', 'domain']) delete w[k];
  return w;
}

export const podResponse = defineResponse({
  objectName: 'pod',
  className: 'PodResponse',
  fields: {
    id: 'string', name: 'string', zoneid: 'string', zonename: 'string', gateway: 'string', netmask: 'string', ipranges: 'list', startip: 'list',
    endip: 'list', forsystemvms: 'list', vlanid: 'list', allocationstate: 'string', capacity: 'list', hasannotations: 'boolean',
  },
});

export function toPod(p: PodRow, capacity?: CapacityItem[]): Wire {
  const ranged = p.start_ip !== null && p.end_ip !== null;
  return {
    id: p.uuid, name: p.name, zoneid: p.zone_uuid, zonename: p.zone_name, gateway: p.gateway ?? undefined, netmask: p.netmask ?? undefined,
    ipranges: ranged ? [{ startip: p.start_ip, endip: p.end_ip, forsystemvms: '0', vlanid: 'untagged' }] : [],
    startip: ranged ? [p.start_ip] : [], endip: ranged ? [p.end_ip] : [], forsystemvms: ranged ? ['0'] : [], vlanid: ranged ? ['untagged'] : [],
    allocationstate: p.allocation_state, capacity: capacity ? toCapacityBrief(capacity) : undefined, hasannotations: false,
  };
}

export const clusterResponse = defineResponse({
  objectName: 'cluster',
  className: 'ClusterResponse',
  fields: {
    id: 'string', name: 'string', podid: 'string', podname: 'string', zoneid: 'string', zonename: 'string', hypervisortype: 'string', clustertype: 'string',
    allocationstate: 'string', managedstate: 'string', capacity: 'list', cpuovercommitratio: 'string', memoryovercommitratio: 'string', arch: 'string',
    resourcedetails: 'map', hasannotations: 'boolean',
  },
});

export function toCluster(c: ClusterRow, o: { cpuRatio: string; memRatio: string; capacity?: CapacityItem[] | undefined }): Wire {
  return {
    id: c.uuid, name: c.name, podid: c.pod_uuid, podname: c.pod_name, zoneid: c.zone_uuid, zonename: c.zone_name, hypervisortype: c.hypervisor_type,
    clustertype: c.cluster_type, allocationstate: c.allocation_state, managedstate: c.managed_state,
    capacity: o.capacity ? toCapacityBrief(o.capacity) : undefined, cpuovercommitratio: o.cpuRatio, memoryovercommitratio: o.memRatio, arch: c.arch,
    resourcedetails: { cpuOvercommitRatio: o.cpuRatio, memoryOvercommitRatio: o.memRatio }, hasannotations: false,
  };
}

export const storagePoolResponse = defineResponse({
  objectName: 'storagepool',
  className: 'StoragePoolResponse',
  fields: {
    id: 'string', zoneid: 'string', zonename: 'string', podid: 'string', podname: 'string', name: 'string', ipaddress: 'string', path: 'string',
    created: 'date', type: 'string', clusterid: 'string', clustername: 'string', capacitybytes: 'long', disksizetotal: 'long', disksizeallocated: 'long',
    disksizeused: 'long', capacityiops: 'long', tags: 'string', istagarule: 'boolean', state: 'string', scope: 'string', overprovisionfactor: 'string',
    hypervisor: 'string', suitableformigration: 'boolean', provider: 'string', managed: 'boolean', hasannotations: 'boolean',
  },
});

export function toStoragePool(s: PoolRow, overprovision: string): Wire {
  return {
    id: s.uuid, zoneid: s.zone_uuid, zonename: s.zone_name, podid: s.pod_uuid ?? undefined, podname: s.pod_name ?? undefined, name: s.name,
    ipaddress: s.host_address ?? undefined, path: s.path, created: wireDate(s.created), type: s.pool_type, clusterid: s.cluster_uuid ?? undefined,
    clustername: s.cluster_name ?? undefined, capacitybytes: s.capacity_bytes, disksizetotal: s.capacity_bytes, disksizeallocated: s.allocated_bytes,
    disksizeused: s.used_bytes, capacityiops: s.capacity_iops ?? undefined, tags: s.tags ?? undefined, istagarule: false, state: s.status,
    scope: s.scope, overprovisionfactor: s.pool_type === 'NetworkFilesystem' ? overprovision : '1.0', hypervisor: s.hypervisor ?? undefined,
    provider: s.provider, managed: s.managed === 1, hasannotations: false,
  };
}

const imageStoreFields = {
  id: 'string', zoneid: 'string', zonename: 'string', name: 'string', url: 'string', protocol: 'string', providername: 'string', scope: 'string',
  readonly: 'boolean', disksizetotal: 'long', disksizeused: 'long', hasannotations: 'boolean',
} as const;
export const imageStoreResponse = defineResponse({ objectName: 'imagestore', className: 'ImageStoreResponse', fields: { ...imageStoreFields } });
/** addSecondaryStorage answers the same object under `secondarystorage`. */
export const secondaryStorageResponse = defineResponse({ objectName: 'secondarystorage', className: 'ImageStoreResponse', fields: { ...imageStoreFields } });

export function toImageStore(i: ImageStoreRow): Wire {
  return {
    id: i.uuid, zoneid: i.zone_uuid ?? undefined, zonename: i.zone_name ?? undefined, name: i.name, url: i.url, protocol: i.protocol,
    providername: i.provider_name, scope: i.zone_id === null ? 'REGION' : 'ZONE', readonly: i.readonly === 1,
    disksizetotal: i.capacity_bytes ?? undefined, disksizeused: i.used_bytes ?? undefined, hasannotations: false,
  };
}

export const capacityResponse = defineResponse({
  objectName: 'capacity',
  className: 'CapacityResponse',
  fields: {
    type: 'short', name: 'string', zoneid: 'string', zonename: 'string', podid: 'string', podname: 'string', clusterid: 'string', clustername: 'string',
    capacityallocated: 'long', capacityused: 'long', capacitytotal: 'long', percentused: 'string',
  },
});

export interface PlaceNames {
  zones: Map<number, { uuid: string; name: string }>;
  pods: Map<number, { uuid: string; name: string }>;
  clusters: Map<number, { uuid: string; name: string }>;
}

export function toCapacity(c: CapacityItem, n: PlaceNames): Wire {
  const z = n.zones.get(c.zoneId);
  const p = c.podId !== null ? n.pods.get(c.podId) : undefined;
  const cl = c.clusterId !== null ? n.clusters.get(c.clusterId) : undefined;
  return {
    type: c.type, name: CAPACITY_TYPES[c.type], zoneid: z?.uuid, zonename: z?.name, podid: p?.uuid, podname: p?.name, clusterid: cl?.uuid,
    clustername: cl?.name, capacityused: c.used, capacitytotal: c.total, percentused: percent(c.used, c.total),
  };
}
