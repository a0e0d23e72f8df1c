/** Wire shapes of firewall, port-forwarding and static NAT rules. */
import { defineResponse, type Wire } from './define.js';
import type { RuleRow } from '../../services/networks/rule.service.js';
import type { StickinessRow } from '../../services/networks/lb-stickiness.service.js';
import { userVmResponse } from './vm.js';

export const firewallRuleResponse = defineResponse({
  objectName: 'firewallrule',
  className: 'FirewallResponse',
  fields: { id: 'string', protocol: 'string', startport: 'integer', endport: 'integer', ipaddressid: 'string', networkid: 'string', ipaddress: 'string', state: 'string', cidrlist: 'string', icmptype: 'integer', icmpcode: 'integer', tags: 'list', fordisplay: 'boolean' },
});

export function toFirewallRule(r: RuleRow): Wire {
  return {
    id: r.uuid, protocol: r.protocol, startport: r.start_port ?? undefined, endport: r.end_port ?? undefined, ipaddressid: r.ip_uuid ?? undefined, networkid: r.network_uuid,
    ipaddress: r.ip_address ?? undefined, state: r.state, cidrlist: r.cidrs.join(','), icmptype: r.icmp_type ?? undefined, icmpcode: r.icmp_code ?? undefined, tags: [], fordisplay: true,
  };
}

export const portForwardingRuleResponse = defineResponse({
  objectName: 'portforwardingrule',
  className: 'FirewallRuleResponse',
  fields: {
    id: 'string', privateport: 'string', privateendport: 'string', protocol: 'string', publicport: 'string', publicendport: 'string', virtualmachineid: 'string',
    virtualmachinename: 'string', virtualmachinedisplayname: 'string', ipaddressid: 'string', ipaddress: 'string', state: 'string', cidrlist: 'string', tags: 'list',
    vmguestip: 'string', networkid: 'string', fordisplay: 'boolean',
  },
});

export function toPortForwardingRule(r: RuleRow): Wire {
  return {
    id: r.uuid, privateport: String(r.dest_port_start), privateendport: String(r.dest_port_end), protocol: r.protocol, publicport: String(r.start_port), publicendport: String(r.end_port),
    virtualmachineid: r.vm_uuid ?? undefined, virtualmachinename: r.vm_name ?? undefined, virtualmachinedisplayname: r.vm_display_name ?? r.vm_name ?? undefined,
    ipaddressid: r.ip_uuid ?? undefined, ipaddress: r.ip_address ?? undefined, state: r.state, cidrlist: r.cidrs.join(','), tags: [], vmguestip: r.vm_ip ?? undefined,
    networkid: r.network_uuid, fordisplay: true,
  };
}

export const ipForwardingRuleResponse = defineResponse({
  objectName: 'ipforwardingrule',
  className: 'IpForwardingRuleResponse',
  fields: { id: 'string', protocol: 'string', virtualmachineid: 'string', virtualmachinename: 'string', virtualmachinedisplayname: 'string', ipaddressid: 'long', ipaddress: 'string', startport: 'integer', endport: 'integer', state: 'string' },
});

export function toIpForwardingRule(r: RuleRow): Wire {
  return {
    id: r.uuid, protocol: r.protocol, virtualmachineid: r.vm_uuid ?? undefined, virtualmachinename: r.vm_name ?? undefined, virtualmachinedisplayname: r.vm_display_name ?? r.vm_name ?? undefined,
    ipaddressid: r.ip_uuid ?? undefined, ipaddress: r.ip_address ?? undefined, startport: r.start_port ?? undefined, endport: r.end_port ?? undefined, state: r.state,
  };
}

export const loadBalancerResponse = defineResponse({
  objectName: 'loadbalancer',
  className: 'LoadBalancerResponse',
  fields: {
    id: 'string', name: 'string', description: 'string', publicipid: 'string', publicip: 'string', publicport: 'string', privateport: 'string', algorithm: 'string',
    networkid: 'string', cidrlist: 'string', account: 'string', domainid: 'string', domain: 'string', state: 'string', zoneid: 'string', zonename: 'string', protocol: 'string', tags: 'list', fordisplay: 'boolean',
  },
});

/** `extra` carries the owner and zone names the rule row does not hold. */
export function toLoadBalancer(r: RuleRow, extra: { account?: string; domainid?: string; domain?: string; zoneid?: string; zonename?: string }): Wire {
  return {
    id: r.uuid, name: r.name ?? undefined, description: r.description ?? undefined, publicipid: r.ip_uuid ?? undefined, publicip: r.ip_address ?? undefined,
    publicport: String(r.start_port), privateport: String(r.dest_port_start), algorithm: r.algorithm ?? undefined, networkid: r.network_uuid, cidrlist: r.cidrs.join(','),
    ...extra, state: r.state, protocol: r.protocol, tags: [], fordisplay: true,
  };
}

/** listLoadBalancerRules names its items `loadbalancerrule` (Libcloud reads that key). */
export const loadBalancerRuleResponse = defineResponse({ ...loadBalancerResponse, objectName: 'loadbalancerrule' });

/**
 * listLoadBalancerRuleInstances answers UserVmResponse items named `loadbalancerruleinstance`
 * (CloudStack's command sets the name; Libcloud and Ansible read it).
 */
export const loadBalancerRuleInstanceResponse = defineResponse({ ...userVmResponse, objectName: 'loadbalancerruleinstance' });

export const stickinessPolicyResponse = defineResponse({
  objectName: 'stickinesspolicy',
  className: 'LBStickinessPolicyResponse',
  fields: { id: 'string', name: 'string', methodname: 'string', description: 'string', state: 'string', params: 'map' },
});

/** LBStickinessResponse (`stickinesspolicies`): a load balancer rule with its policies. */
export const lbStickinessResponse = defineResponse({
  objectName: 'stickinesspolicies',
  className: 'LBStickinessResponse',
  fields: { lbruleid: 'string', name: 'string', description: 'string', account: 'string', domainid: 'string', domain: 'string', state: 'string', zoneid: 'string', stickinesspolicy: 'list' },
});

export function toLbStickiness(r: RuleRow, policies: StickinessRow[], extra: { account?: string; domainid?: string; domain?: string; zoneid?: string }): Wire {
  return {
    lbruleid: r.uuid, name: r.name ?? undefined, description: r.description ?? undefined, account: extra.account, domainid: extra.domainid, domain: extra.domain, state: r.state, zoneid: extra.zoneid,
    stickinesspolicy: policies.map((s) => ({ id: s.uuid, name: s.name, methodname: s.method, description: s.description ?? undefined, state: 'Active', params: JSON.parse(s.params) as Record<string, string> })),
  };
}

/** NicSecondaryIpResponse (`nicsecondaryip`). */
export const nicSecondaryIpResponse = defineResponse({
  objectName: 'nicsecondaryip',
  className: 'NicSecondaryIpResponse',
  fields: { id: 'string', ipaddress: 'string', nicid: 'string', networkid: 'string', virtualmachineid: 'string' },
});

export function toNicSecondaryIp(r: { uuid: string; ip_address: string; nic_uuid: string; network_uuid: string; vm_uuid: string }): Wire {
  return { id: r.uuid, ipaddress: r.ip_address, nicid: r.nic_uuid, networkid: r.network_uuid, virtualmachineid: r.vm_uuid };
}
