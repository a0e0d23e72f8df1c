import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { lbStickinessResponse } from '../../responses/network-rules.js';
import { stickinessWire } from './lb-stickiness-common.js';

export default defineCommand({
  name: 'createLBStickinessPolicy',
  responseName: 'createLBStickinessPolicy',
  description: 'Adds the stickiness policy of a load balancer rule (one per rule): LbCookie, AppCookie or SourceBased with their params.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'LB.STICKINESSPOLICY.CREATE',
  instanceType: 'StickinessPolicy',
  resumable: true,
  params: {
    lbruleid: p.uuid({ entity: 'LoadBalancerRule', required: true, doc: 'The load balancer rule' }),
    name: p.string({ required: true, doc: 'Name of the policy' }),
    description: p.string({ doc: 'Description' }),
    methodname: p.string({ required: true, doc: 'LbCookie, AppCookie or SourceBased' }),
    param: p.map({ doc: 'param[i].name / param[i].value: LbCookie cookie-name, mode, nocache, indirect, postonly, domain; AppCookie cookie-name, length, holdtime, request-learn, prefix, mode; SourceBased tablesize, expire' }),
  },
  response: objectOf(lbStickinessResponse),
  async create(ctx, q) {
    const s = await ctx.services.lbStickiness.create(ctx.caller, { ruleId: q.lbruleid, name: q.name, description: q.description, method: q.methodname, params: q.param });
    return { uuid: s.uuid, ref: { id: s.id } };
  },
  async handler(ctx, _q, created) {
    const s = await ctx.services.lbStickiness.apply(Number(created!.ref!['id']));
    return stickinessWire(ctx, await ctx.services.rules.get(s.rule_id, ['LoadBalancing']), [s]);
  },
});
