import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { lbStickinessResponse } from '../../responses/network-rules.js';
import { listParams } from '../common.js';
import { stickinessWire } from './lb-stickiness-common.js';

export default defineCommand({
  name: 'listLBStickinessPolicies',
  description: 'Lists the stickiness policies of a load balancer rule (by the rule or by a policy id).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    lbruleid: p.uuid({ entity: 'LoadBalancerRule', doc: 'The load balancer rule' }),
    id: p.uuid({ entity: 'StickinessPolicy', doc: 'The policy' }),
  },
  response: listOf(lbStickinessResponse),
  async handler(ctx, q) {
    const r = await ctx.services.lbStickiness.ofRule(ctx.caller, { ruleId: q.lbruleid, id: q.id });
    return { items: [await stickinessWire(ctx, r.rule, r.policies)], count: 1 };
  },
});
