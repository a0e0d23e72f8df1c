import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { internalLbElementResponse, toRouterElement } from '../../responses/infra-network.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listInternalLoadBalancerElements',
  description: 'Lists the elements behind the InternalLbVm providers.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'VirtualRouterElement', doc: 'Only this element' }),
    nspid: p.uuid({ entity: 'NetworkServiceProvider', doc: 'Only the element of this provider' }),
    enabled: p.boolean({ doc: 'Only enabled (or disabled) elements' }),
  },
  response: listOf(internalLbElementResponse),
  async handler(ctx, q) {
    const r = await ctx.services.networkProviders.listRouterElements({ id: q.id, nspId: q.nspid, enabled: q.enabled, internalLb: true }, pageOf(ctx, q));
    return { items: r.rows.map(toRouterElement), count: r.count };
  },
});
