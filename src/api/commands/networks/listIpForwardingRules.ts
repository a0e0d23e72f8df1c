import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { ipForwardingRuleResponse, toIpForwardingRule } from '../../responses/network-rules.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listIpForwardingRules',
  description: 'Lists static NAT (IP forwarding) rules the caller may see; often empty.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'FirewallRule', doc: 'Only this rule' }),
    ipaddressid: p.uuid({ entity: 'IpAddress', doc: 'Rules of this IP' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'Rules to this VM' }),
  },
  response: listOf(ipForwardingRuleResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    return listResult(await ctx.services.rules.list(scope, ['StaticNat'], { id: q.id, ipId: q.ipaddressid, vmId: q.virtualmachineid }, pageOf(ctx, q)), toIpForwardingRule);
  },
});
