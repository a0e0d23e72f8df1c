import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { loadBalancerResponse } from '../../responses/network-rules.js';
import { toLoadBalancers } from './lb-common.js';

export default defineCommand({
  name: 'updateLoadBalancerRule',
  description: 'Updates the name, description or algorithm of a load balancer rule; the router gets the new algorithm.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'LB.UPDATE',
  instanceType: 'LoadBalancerRule',
  params: {
    id: p.uuid({ entity: 'LoadBalancerRule', required: true, doc: 'The rule' }),
    name: p.string({ doc: 'New name' }),
    description: p.string({ length: 4096, doc: 'New description' }),
    algorithm: p.string({ doc: 'roundrobin, leastconn or source' }),
  },
  response: objectOf(loadBalancerResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.rules.getOwned(ctx.caller, q.id, ['LoadBalancing'])).uuid };
  },
  async handler(ctx, q) {
    const r = await ctx.services.loadBalancers.update(ctx.caller, q.id, { name: q.name, description: q.description, algorithm: q.algorithm });
    return (await toLoadBalancers(ctx, [r]))[0]!;
  },
});
