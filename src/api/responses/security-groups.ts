/** Wire shapes of security groups and their ingress/egress rules. */
import { defineResponse, type Wire } from './define.js';
import { displayPath } from './identity.js';
import type { GroupWithDetails, RuleRow } from '../../services/securitygroups/security-group.queries.js';

export const securityGroupResponse = defineResponse({
  objectName: 'securitygroup',
  className: 'SecurityGroupResponse',
  fields: {
    id: 'string', name: 'string', description: 'string', account: 'string', domainid: 'string', domain: 'string', domainpath: 'string',
    ingressrule: 'set', egressrule: 'set', tags: 'set', virtualmachinecount: 'integer', virtualmachineids: 'set',
  },
});

/** One rule as CloudStack shows it: `cidr`, or the allowed group's name and account. */
export function toSecurityGroupRule(r: RuleRow, account: string): Wire {
  const icmp = r.protocol === 'icmp';
  return {
    ruleid: r.uuid, protocol: r.protocol, icmptype: icmp ? (r.icmp_type ?? undefined) : undefined, icmpcode: icmp ? (r.icmp_code ?? undefined) : undefined,
    startport: r.start_port ?? undefined, endport: r.end_port ?? undefined,
    securitygroupname: r.allowed_group_name ?? undefined, account: r.allowed_security_group_id !== null ? (r.allowed_account_name ?? undefined) : account,
    cidr: r.cidr ?? undefined, tags: [],
  };
}

export function toSecurityGroup(g: GroupWithDetails): Wire {
  const rules = (type: string) => g.rules.filter((r) => r.type === type).map((r) => toSecurityGroupRule(r, g.account_name));
  return {
    id: g.uuid, name: g.name, description: g.description ?? undefined, account: g.account_name, domainid: g.domain_uuid, domain: g.domain_name,
    domainpath: displayPath(g.domain_path), ingressrule: rules('ingress'), egressrule: rules('egress'), tags: [],
    virtualmachinecount: g.vmUuids.length, virtualmachineids: g.vmUuids,
  };
}

/** A group as a VM response shows it (CloudStack's UserVmJoin: id, name, description, account). */
export function toVmSecurityGroup(g: { uuid: string; name: string; description: string | null; account_name: string }): Wire {
  return { id: g.uuid, name: g.name, description: g.description ?? undefined, account: g.account_name, ingressrule: [], egressrule: [], tags: [], virtualmachineids: [] };
}
