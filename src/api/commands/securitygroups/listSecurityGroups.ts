import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { securityGroupResponse, toSecurityGroup } from '../../responses/security-groups.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listSecurityGroups',
  description: 'Lists security groups the caller may see, with their ingress and egress rules and member VMs.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'SecurityGroup', doc: 'Only this group' }),
    securitygroupname: p.string({ doc: 'Only the group with this name' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'Groups of this VM' }),
  },
  response: listOf(securityGroupResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    const f = { id: q.id, name: q.securitygroupname, vmId: q.virtualmachineid, keyword: q.keyword };
    return listResult(await ctx.services.securityGroups.list(ctx.caller, scope, f, pageOf(ctx, q)), toSecurityGroup);
  },
});
