import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'assignToLoadBalancerRule',
  description: 'Adds VMs of the same account and network to a load balancer rule.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'LB.ASSIGN.TO.RULE',
  instanceType: 'LoadBalancerRule',
  params: {
    id: p.uuid({ entity: 'LoadBalancerRule', required: true, doc: 'The rule' }),
    virtualmachineids: p.uuidList({ entity: 'VirtualMachine', doc: 'The VMs' }),
  },
  response: success,
  async prepare(ctx, q) {
    const r = await ctx.services.rules.getOwned(ctx.caller, q.id, ['LoadBalancing']);
    await ctx.services.loadBalancers.checkMembers(ctx.caller, q.id, q.virtualmachineids ?? []);
    return { instanceUuid: r.uuid };
  },
  async handler(ctx, q) {
    await ctx.services.loadBalancers.assign(ctx.caller, q.id, q.virtualmachineids ?? []);
    return { success: true };
  },
});
