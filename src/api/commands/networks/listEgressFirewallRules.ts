import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { firewallRuleResponse, toFirewallRule } from '../../responses/network-rules.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listEgressFirewallRules',
  description: 'Lists egress firewall rules the caller may see.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'FirewallRule', doc: 'Only this rule' }),
    ipaddressid: p.uuid({ entity: 'IpAddress', doc: 'Rules of this IP' }),
    networkid: p.uuid({ entity: 'Network', doc: 'Rules of this network' }),
  },
  response: listOf(firewallRuleResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    return listResult(await ctx.services.rules.list(scope, ['Firewall'], { id: q.id, ipId: q.ipaddressid, networkId: q.networkid, trafficType: 'Egress' }, pageOf(ctx, q)), toFirewallRule);
  },
});
