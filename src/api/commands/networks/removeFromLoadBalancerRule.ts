import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'removeFromLoadBalancerRule',
  description: 'Removes VMs from a load balancer rule.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'LB.REMOVE.FROM.RULE',
  instanceType: 'LoadBalancerRule',
  params: {
    id: p.uuid({ entity: 'LoadBalancerRule', required: true, doc: 'The rule' }),
    virtualmachineids: p.uuidList({ entity: 'VirtualMachine', doc: 'The VMs' }),
  },
  response: success,
  async prepare(ctx, q) {
    const r = await ctx.services.rules.getOwned(ctx.caller, q.id, ['LoadBalancing']);
    return { instanceUuid: r.uuid };
  },
  async handler(ctx, q) {
    await ctx.services.loadBalancers.remove(ctx.caller, q.id, q.virtualmachineids ?? []);
    return { success: true };
  },
});
