import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteLoadBalancerRule',
  description: 'Deletes a load balancer rule, its members and the firewall rule it opened.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'LB.DELETE',
  instanceType: 'LoadBalancerRule',
  params: { id: p.uuid({ entity: 'LoadBalancerRule', required: true, doc: 'The rule' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.rules.getOwned(ctx.caller, q.id, ['LoadBalancing'])).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.rules.delete(ctx.caller, q.id, ['LoadBalancing'], 'LB.DELETE');
    return { success: true };
  },
});
