/** Wire shapes of hosts and simulator mocks, with their mappers (a host's measured use is added from `stats.ts`). */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { HostRow } from '../../services/hosts/host.queries.js';
import type { MockRow } from '../../agents/simulator-mocks.js';

export const hostResponse = defineResponse({
  objectName: 'host',
  className: 'HostResponse',
  fields: {
    id: 'string', name: 'string', state: 'string', disconnected: 'date', type: 'string', oscategoryid: 'string', oscategoryname: 'string',
    ipaddress: 'string', zoneid: 'string', zonename: 'string', podid: 'string', podname: 'string', version: 'string', hypervisor: 'string',
    cpusockets: 'integer', cpunumber: 'integer', cpuspeed: 'long', cpuallocated: 'string', cpuallocatedvalue: 'long', cpuallocatedpercentage: 'string',
    cpuallocatedwithoverprovisioning: 'string', cpuused: 'string', cpuloadaverage: 'double', networkkbsread: 'long', networkkbswrite: 'long', cpuwithoverprovisioning: 'string', memorytotal: 'long', memorywithoverprovisioning: 'string',
    memoryallocated: 'long', memoryallocatedpercentage: 'string', memoryallocatedbytes: 'long', memoryused: 'long', disksizetotal: 'long',
    disksizeallocated: 'long', capabilities: 'string', lastpinged: 'date', managementserverid: 'string', clusterid: 'string', clustername: 'string',
    clustertype: 'string', islocalstorageactive: 'boolean', created: 'date', events: 'string', hosttags: 'string', explicithosttags: 'string',
    implicithosttags: 'string', istagarule: 'boolean', resourcestate: 'string', hypervisorversion: 'string', hahost: 'boolean', arch: 'string',
    encryptionsupported: 'boolean', instanceconversionsupported: 'boolean', ueficapability: 'boolean',
  },
});

const pct = (used: number, total: number) => `${total > 0 ? ((used * 100) / total).toFixed(2) : '0.00'}%`;

export function toHost(h: HostRow, o: { osCategoryUuid?: string | undefined; osCategoryName?: string | undefined } = {}): Wire {
  const cpuTotal = Number(h.cpus) * Number(h.cpu_speed);
  const cpuAlloc = Number(h.cpu_allocated);
  const mem = Number(h.total_memory);
  const memAlloc = Number(h.memory_allocated);
  return {
    id: h.uuid, name: h.name, state: h.status, disconnected: wireDate(h.disconnected), type: h.type, oscategoryid: o.osCategoryUuid,
    oscategoryname: o.osCategoryName, ipaddress: h.private_ip ?? undefined, zoneid: h.zone_uuid, zonename: h.zone_name, podid: h.pod_uuid,
    podname: h.pod_name, version: '4.20.0', hypervisor: h.hypervisor_type, cpusockets: Number(h.cpu_sockets), cpunumber: Number(h.cpus),
    cpuspeed: Number(h.cpu_speed), cpuallocated: pct(cpuAlloc, cpuTotal), cpuallocatedvalue: cpuAlloc, cpuallocatedpercentage: pct(cpuAlloc, cpuTotal),
    cpuallocatedwithoverprovisioning: pct(cpuAlloc, cpuTotal), cpuwithoverprovisioning: String(cpuTotal),
    memorytotal: mem, memorywithoverprovisioning: String(mem), memoryallocated: memAlloc, memoryallocatedpercentage: pct(memAlloc, mem),
    memoryallocatedbytes: memAlloc, disksizetotal: Number(h.local_storage), disksizeallocated: 0,
    capabilities: 'hvm', lastpinged: wireDate(h.last_ping), managementserverid: h.mgmt_server_id ?? undefined, clusterid: h.cluster_uuid,
    clustername: h.cluster_name, clustertype: h.cluster_type, islocalstorageactive: false, created: wireDate(h.created), events: 'AgentConnected; AgentDisconnected; PingTimeout; Remove; ShutdownRequested; Ping; HostDown; ManagementServerDown',
    hosttags: h.host_tags ?? undefined, explicithosttags: h.host_tags ?? undefined, istagarule: false, resourcestate: h.resource_state,
    hypervisorversion: h.hypervisor_version ?? undefined, hahost: false, arch: h.arch, encryptionsupported: false, instanceconversionsupported: false,
    ueficapability: false,
  };
}

export const mockResponse = defineResponse({
  objectName: 'null',
  className: 'MockResponse',
  fields: { id: 'long', zoneid: 'long', podid: 'long', clusterid: 'long', hostid: 'long', name: 'string', count: 'integer' },
});

export function toMock(m: MockRow): Wire {
  return { id: m.id, zoneid: m.zone_id ?? undefined, podid: m.pod_id ?? undefined, clusterid: m.cluster_id ?? undefined, hostid: m.host_id ?? undefined, name: m.name, count: m.count ?? undefined };
}
