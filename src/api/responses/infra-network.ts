/** Wire shapes of physical networks, traffic types, service providers, router elements and IP ranges. */
import { defineResponse, type Wire } from './define.js';
import { displayPath } from './identity.js';
import type { PhysicalNetworkRow } from '../../services/infra/physical-network.service.js';
import type { ProviderRow, RouterElementRow, TrafficTypeRow } from '../../services/infra/network-provider.service.js';
import type { VlanRow } from '../../services/infra/vlan-range.service.js';

export const physicalNetworkResponse = defineResponse({
  objectName: 'physicalnetwork',
  className: 'PhysicalNetworkResponse',
  fields: {
    id: 'string', name: 'string', broadcastdomainrange: 'string', zoneid: 'string', zonename: 'string', state: 'string', vlan: 'string',
    domainid: 'string', tags: 'string', isolationmethods: 'string', networkspeed: 'string',
  },
});

export function toPhysicalNetwork(n: PhysicalNetworkRow): Wire {
  return {
    id: n.uuid, name: n.name, broadcastdomainrange: n.broadcast_domain_range, zoneid: n.zone_uuid, zonename: n.zone_name, state: n.state,
    vlan: n.vlan ?? undefined, domainid: n.domain_uuid ?? undefined, tags: n.tags ?? undefined, isolationmethods: n.isolation_methods ?? undefined,
    networkspeed: n.network_speed ?? undefined,
  };
}

export const trafficTypeResponse = defineResponse({
  objectName: 'traffictype',
  className: 'TrafficTypeResponse',
  fields: {
    id: 'string', traffictype: 'string', physicalnetworkid: 'string', xennetworklabel: 'string', kvmnetworklabel: 'string', vmwarenetworklabel: 'string',
    hypervnetworklabel: 'string', ovm3networklabel: 'string',
  },
});

export function toTrafficType(t: TrafficTypeRow): Wire {
  return {
    id: t.uuid, traffictype: t.traffic_type, physicalnetworkid: t.physical_network_uuid, xennetworklabel: t.xen_network_label ?? undefined,
    kvmnetworklabel: t.kvm_network_label ?? undefined, vmwarenetworklabel: t.vmware_network_label ?? undefined,
    hypervnetworklabel: t.hyperv_network_label ?? undefined, ovm3networklabel: t.ovm3_network_label ?? undefined,
  };
}

export const providerResponse = defineResponse({
  objectName: 'networkserviceprovider',
  className: 'ProviderResponse',
  fields: { name: 'string', physicalnetworkid: 'string', destinationphysicalnetworkid: 'string', state: 'string', id: 'string', servicelist: 'list', canenableindividualservice: 'boolean' },
});

export function toProvider(s: ProviderRow): Wire {
  return {
    name: s.provider_name, physicalnetworkid: s.physical_network_uuid, destinationphysicalnetworkid: s.destination_uuid ?? undefined, state: s.state,
    id: s.uuid, servicelist: s.services.split(',').filter((x) => x !== ''), canenableindividualservice: s.provider_name !== 'VirtualRouter' && s.provider_name !== 'VpcVirtualRouter',
  };
}

export const routerElementResponse = defineResponse({
  objectName: 'virtualrouterelement',
  className: 'VirtualRouterProviderResponse',
  fields: { id: 'string', nspid: 'string', enabled: 'boolean', account: 'string', domainid: 'string', domain: 'string', domainpath: 'string' },
});

export function toRouterElement(e: RouterElementRow): Wire {
  return { id: e.uuid, nspid: e.nsp_uuid, enabled: e.enabled === 1 };
}

export const vlanRangeResponse = defineResponse({
  objectName: 'vlaniprange',
  className: 'VlanIpRangeResponse',
  fields: {
    id: 'string', forvirtualnetwork: 'boolean', zoneid: 'string', vlan: 'string', account: 'string', domainid: 'string', domain: 'string',
    domainpath: 'string', podid: 'string', podname: 'string', description: 'string', gateway: 'string', netmask: 'string', cidr: 'string',
    startip: 'string', endip: 'string', networkid: 'string', physicalnetworkid: 'string', forsystemvms: 'boolean',
  },
});
/** createVlanIpRange answers the range under `vlan` (Ansible's cs_vlan_ip_range reads that key). */
export const createdVlanRangeResponse = defineResponse({ ...vlanRangeResponse, objectName: 'vlan' });

export function toVlanRange(v: VlanRow, networkUuid?: string): Wire {
  return {
    id: v.uuid, forvirtualnetwork: v.vlan_type === 'VirtualNetwork', zoneid: v.zone_uuid, vlan: v.vlan_tag, account: v.account_name ?? undefined,
    domainid: v.domain_uuid ?? undefined, domain: v.domain_name ?? undefined, domainpath: v.domain_path ? displayPath(v.domain_path) : undefined,
    podid: v.pod_uuid ?? undefined, podname: v.pod_name ?? undefined, description: `${v.start_ip}-${v.end_ip}`, gateway: v.gateway, netmask: v.netmask,
    cidr: v.cidr, startip: v.start_ip, endip: v.end_ip, networkid: networkUuid, physicalnetworkid: v.physical_network_uuid ?? undefined,
    forsystemvms: v.for_system_vms === 1,
  };
}

export const internalLbElementResponse = defineResponse({
  objectName: 'internalloadbalancerelement',
  className: 'InternalLoadBalancerElementResponse',
  fields: { id: 'string', nspid: 'string', enabled: 'boolean' },
});
