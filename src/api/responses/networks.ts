/** Wire shapes of network offerings, guest networks and public IP addresses. */
import { defineResponse, wireDate, type Wire } from './define.js';
import { displayPath } from './identity.js';
import type { OfferingRow } from '../../services/networks/offering.service.js';
import type { NetworkRow } from '../../services/networks/network.queries.js';
import type { IpRow } from '../../services/networks/ip.service.js';
import { capabilitiesOf } from '../../services/networks/default-offerings.js';

/** `service[]` as CloudStack shows it: name, provider[{name}], capability[]. */
export function toServices(services: Array<{ service: string; provider: string }>): Wire[] {
  const by = new Map<string, string[]>();
  for (const s of services) by.set(s.service, [...(by.get(s.service) ?? []), s.provider]);
  return [...by].map(([name, providers]) => {
    const caps = capabilitiesOf(name);
    return { name, provider: providers.map((p) => ({ name: p })), ...(caps.length > 0 ? { capability: caps } : {}) };
  });
}

export const networkOfferingResponse = defineResponse({
  objectName: 'networkoffering',
  className: 'NetworkOfferingResponse',
  fields: {
    id: 'string', name: 'string', displaytext: 'string', tags: 'string', created: 'date', traffictype: 'string', isdefault: 'boolean', specifyvlan: 'boolean',
    conservemode: 'boolean', specifyipranges: 'boolean', availability: 'string', networkrate: 'integer', state: 'string', guestiptype: 'string',
    service: 'list', forvpc: 'boolean', ispersistent: 'boolean', egressdefaultpolicy: 'boolean', maxconnections: 'integer',
    supportsstrechedl2subnet: 'boolean', supportspublicaccess: 'boolean', supportsinternallb: 'boolean', internetprotocol: 'string',
  },
});

export function toNetworkOffering(o: OfferingRow): Wire {
  return {
    id: o.uuid, name: o.name, displaytext: o.display_text, tags: o.tags ?? undefined, created: wireDate(o.created), traffictype: o.traffic_type,
    isdefault: o.is_default === 1, specifyvlan: o.specify_vlan === 1, conservemode: o.conserve_mode === 1, specifyipranges: o.specify_ip_ranges === 1,
    availability: o.availability, networkrate: o.network_rate ?? undefined, state: o.state, guestiptype: o.guest_type, service: toServices(o.services),
    forvpc: false, ispersistent: o.is_persistent === 1, egressdefaultpolicy: o.egress_default_policy === 1, maxconnections: o.max_connections ?? undefined,
    supportsstrechedl2subnet: false, supportspublicaccess: false, supportsinternallb: false, internetprotocol: 'IPv4',
  };
}

export const networkResponse = defineResponse({
  objectName: 'network',
  className: 'NetworkResponse',
  fields: {
    id: 'string', name: 'string', displaytext: 'string', broadcastdomaintype: 'string', traffictype: 'string', gateway: 'string', netmask: 'string',
    cidr: 'string', zoneid: 'string', zonename: 'string', networkofferingid: 'string', networkofferingname: 'string', networkofferingdisplaytext: 'string',
    networkofferingconservemode: 'boolean', networkofferingavailability: 'string', issystem: 'boolean', state: 'string', related: 'string',
    broadcasturi: 'string', dns1: 'string', dns2: 'string', type: 'string', vlan: 'string', acltype: 'string', subdomainaccess: 'boolean',
    account: 'string', domainid: 'string', domain: 'string', domainpath: 'string', isdefault: 'boolean', service: 'list', networkdomain: 'string',
    physicalnetworkid: 'string', restartrequired: 'boolean', specifyvlan: 'boolean', specifyipranges: 'boolean', canusefordeploy: 'boolean',
    ispersistent: 'boolean', tags: 'list', displaynetwork: 'boolean', strechedl2subnet: 'boolean', redundantrouter: 'boolean',
    supportsvmautoscaling: 'boolean', created: 'date', egressdefaultpolicy: 'boolean', internetprotocol: 'string',
  },
});

export function toNetwork(n: NetworkRow, admin: boolean): Wire {
  return {
    id: n.uuid, name: n.name, displaytext: n.display_text, broadcastdomaintype: 'Vlan', traffictype: n.traffic_type, gateway: n.gateway ?? undefined,
    netmask: n.netmask ?? undefined, cidr: n.cidr ?? undefined, zoneid: n.zone_uuid, zonename: n.zone_name, networkofferingid: n.offering_uuid,
    networkofferingname: n.offering_name, networkofferingdisplaytext: n.offering_display_text, networkofferingconservemode: n.offering_conserve_mode === 1,
    networkofferingavailability: n.offering_availability, issystem: false, state: n.state, related: n.uuid,
    broadcasturi: admin ? (n.broadcast_uri ?? undefined) : undefined, dns1: n.zone_dns1 ?? undefined, dns2: n.zone_dns2 ?? undefined,
    type: n.guest_type, vlan: admin ? (n.vlan ?? undefined) : undefined, acltype: n.acl_type,
    subdomainaccess: n.acl_type === 'Domain' ? true : undefined,
    account: n.acl_type === 'Account' ? n.account_name : undefined, domainid: n.domain_uuid, domain: n.domain_name, domainpath: displayPath(n.domain_path),
    isdefault: false, service: toServices(n.services), networkdomain: n.network_domain ?? undefined,
    physicalnetworkid: admin ? (n.physical_network_uuid ?? undefined) : undefined, restartrequired: n.restart_required === 1,
    specifyvlan: n.offering_specify_vlan === 1, specifyipranges: n.offering_specify_ip_ranges === 1, canusefordeploy: true,
    ispersistent: n.offering_is_persistent === 1, tags: [], displaynetwork: true, strechedl2subnet: false, redundantrouter: false,
    supportsvmautoscaling: false, created: wireDate(n.created), egressdefaultpolicy: n.offering_egress_default_policy === 1, internetprotocol: 'IPv4',
  };
}

export const ipAddressResponse = defineResponse({
  objectName: 'ipaddress',
  className: 'IPAddressResponse',
  fields: {
    id: 'string', ipaddress: 'string', allocated: 'date', zoneid: 'string', zonename: 'string', issourcenat: 'boolean', account: 'string',
    domainid: 'string', domain: 'string', domainpath: 'string', forvirtualnetwork: 'boolean', vlanid: 'string', vlanname: 'string',
    isstaticnat: 'boolean', issystem: 'boolean', virtualmachineid: 'string', virtualmachinetype: 'string', vmipaddress: 'string', virtualmachinename: 'string',
    virtualmachinedisplayname: 'string', associatednetworkid: 'string', associatednetworkname: 'string', networkid: 'string', state: 'string',
    physicalnetworkid: 'string', tags: 'list', isportable: 'boolean', fordisplay: 'boolean', hasrules: 'boolean', forsystemvms: 'boolean',
  },
});

/** listPublicIpAddresses names its items `publicipaddress`. */
export const publicIpAddressResponse = defineResponse({ ...ipAddressResponse, objectName: 'publicipaddress' });

export function toIpAddress(i: IpRow, admin: boolean, publicNetworkUuid?: string): Wire {
  return {
    id: i.uuid, ipaddress: i.public_ip_address, allocated: wireDate(i.allocated), zoneid: i.zone_uuid, zonename: i.zone_name, issourcenat: i.source_nat === 1,
    account: i.account_name ?? undefined, domainid: i.domain_uuid ?? undefined, domain: i.domain_name ?? undefined,
    domainpath: i.domain_path ? displayPath(i.domain_path) : undefined, forvirtualnetwork: i.vlan_type === 'VirtualNetwork',
    vlanid: admin ? i.vlan_uuid : undefined, vlanname: admin ? i.vlan_tag : undefined, isstaticnat: i.one_to_one_nat === 1, issystem: i.is_system === 1,
    virtualmachineid: i.vm_uuid ?? undefined, virtualmachinetype: i.vm_uuid ? 'UserVm' : undefined, vmipaddress: i.vm_ip ?? undefined,
    virtualmachinename: i.vm_name ?? undefined, virtualmachinedisplayname: i.vm_display_name ?? i.vm_name ?? undefined,
    associatednetworkid: i.network_uuid ?? undefined, associatednetworkname: i.network_name ?? undefined, networkid: publicNetworkUuid,
    state: i.state, physicalnetworkid: admin ? (i.physical_network_uuid ?? undefined) : undefined, tags: [], isportable: false, fordisplay: true,
    hasrules: undefined, forsystemvms: i.for_system_vms === 1,
  };
}
