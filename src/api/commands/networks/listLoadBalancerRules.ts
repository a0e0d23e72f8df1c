import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { loadBalancerRuleResponse } from '../../responses/network-rules.js';
import { accountListParams, pageOf, scopeOf } from '../common.js';
import { toLoadBalancers } from './lb-common.js';

export default defineCommand({
  name: 'listLoadBalancerRules',
  description: 'Lists load balancer rules the caller may see.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'LoadBalancerRule', doc: 'Only this rule' }),
    name: p.string({ doc: 'Only rules with this name' }),
    publicipid: p.uuid({ entity: 'IpAddress', doc: 'Rules of this IP' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'Rules balancing to this VM' }),
    networkid: p.uuid({ entity: 'Network', doc: 'Rules of this network' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Rules of this zone' }),
  },
  response: listOf(loadBalancerRuleResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    const r = await ctx.services.rules.list(scope, ['LoadBalancing'], { id: q.id, ipId: q.publicipid, networkId: q.networkid, name: q.name, memberVmId: q.virtualmachineid }, pageOf(ctx, q));
    return { items: await toLoadBalancers(ctx, r.rows), count: r.count };
  },
});
