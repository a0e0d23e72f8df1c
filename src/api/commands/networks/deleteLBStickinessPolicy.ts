import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteLBStickinessPolicy',
  // Sic: CloudStack's response name.
  responseName: 'deleteLBstickinessrruleresponse',
  description: 'Deletes a load balancer stickiness policy; the router stops applying it.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'LB.STICKINESSPOLICY.DELETE',
  instanceType: 'StickinessPolicy',
  params: { id: p.uuid({ entity: 'StickinessPolicy', required: true, doc: 'The policy' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.lbStickiness.getOwned(ctx.caller, q.id)).policy.uuid };
  },
  async handler(ctx, q) {
    await ctx.services.lbStickiness.delete(ctx.caller, q.id);
    return { success: true };
  },
});
