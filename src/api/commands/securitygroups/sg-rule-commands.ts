/**
 * authorize/revoke for ingress and egress differ only in direction and event names, so the
 * four commands are made here; each API name keeps its own file.
 */
import { defineCommand, objectOf, success } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { securityGroupResponse, toSecurityGroup } from '../../responses/security-groups.js';
import { checkCidrs, checkRuleMatch } from '../../../services/securitygroups/rule-input.js';
import type { RuleType } from '../../../services/securitygroups/security-group.service.js';

/** What every one of the four shares: async, resumable (re-running applies the same rules), a SecurityGroup job. */
const common = (name: string, type: RuleType, event: string, description: string) => ({
  name, description, ...(type === 'egress' ? { since: '3.0.0' } : {}),
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'] as ('Admin' | 'ResourceAdmin' | 'DomainAdmin' | 'User')[],
  async: true as const, event, instanceType: 'SecurityGroup', resumable: true,
});

export const authorizeCommand = (name: string, type: RuleType, event: string) => defineCommand({
  ...common(name, type, event, `Authorizes ${type} traffic for the members of a security group: a protocol and port (or ICMP type/code) range from CIDRs or from the members of other groups.`),
  params: {
    protocol: p.string({ doc: 'tcp, udp, icmp, all (default) or an IP protocol number' }),
    startport: p.integer({ doc: 'First port (tcp/udp)' }),
    endport: p.integer({ doc: 'Last port (tcp/udp)' }),
    icmptype: p.integer({ doc: 'ICMP type (-1: any)' }),
    icmpcode: p.integer({ doc: 'ICMP code (-1: any)' }),
    cidrlist: p.stringList({ doc: `${type === 'ingress' ? 'Source' : 'Destination'} CIDRs` }),
    usersecuritygrouplist: p.map({ doc: 'Groups whose members are allowed: usersecuritygrouplist[0].account=…&usersecuritygrouplist[0].group=…' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the account owning the group' }),
    account: p.string({ doc: 'Account owning the group (with domainid)' }),
    securitygroupid: p.uuid({ entity: 'SecurityGroup', doc: 'The group (or securitygroupname)' }),
    securitygroupname: p.string({ doc: 'The group by name (or securitygroupid)' }),
  },
  response: objectOf(securityGroupResponse),
  async prepare(ctx, q) {
    if (q.securitygroupid !== undefined && q.securitygroupname !== undefined) throw paramError('securitygroupid and securitygroupname parameters are mutually exclusive');
    if (q.securitygroupid === undefined && q.securitygroupname === undefined) throw paramError('Either securitygroupid or securitygroupname is required by authorize security group rule');
    checkRuleMatch({ protocol: q.protocol, startPort: q.startport, endPort: q.endport, icmpType: q.icmptype, icmpCode: q.icmpcode });
    checkCidrs(q.cidrlist);
    const g = await ctx.services.securityGroups.resolve(ctx.caller, { id: q.securitygroupid, name: q.securitygroupname, account: q.account, domainId: q.domainid });
    return { instanceUuid: g.uuid };
  },
  async handler(ctx, q) {
    const sg = ctx.services.securityGroups;
    const { group, ruleIds } = await sg.authorize(ctx.caller, type, {
      groupId: q.securitygroupid, groupName: q.securitygroupname, account: q.account, domainId: q.domainid, protocol: q.protocol,
      startPort: q.startport, endPort: q.endport, icmpType: q.icmptype, icmpCode: q.icmpcode, cidrs: q.cidrlist, userGroups: q.usersecuritygrouplist,
    });
    await ctx.services.securityGroupPusher.pushGroups([group.id]);
    // CloudStack answers with the group and only the rules this call added.
    return toSecurityGroup(await sg.withDetails(group, ruleIds));
  },
});

export const revokeCommand = (name: string, type: RuleType, event: string) => defineCommand({
  ...common(name, type, event, `Deletes one ${type} rule of a security group; its members' hosts get their new rule sets.`),
  params: { id: p.uuid({ entity: 'SecurityGroupRule', required: true, doc: `The ${type} rule` }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.securityGroups.ruleOwner(ctx.caller, q.id, type)).group.uuid };
  },
  async handler(ctx, q) {
    const g = await ctx.services.securityGroups.revoke(ctx.caller, q.id, type);
    if (g) await ctx.services.securityGroupPusher.pushGroups([g.id]);
    return { success: true };
  },
});
