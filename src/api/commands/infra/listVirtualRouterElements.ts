import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { routerElementResponse, toRouterElement } from '../../responses/infra-network.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listVirtualRouterElements',
  description: 'Lists the virtual router elements behind the VirtualRouter and VpcVirtualRouter providers.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'VirtualRouterElement', doc: 'Only this element' }),
    nspid: p.uuid({ entity: 'NetworkServiceProvider', doc: 'Only the element of this provider' }),
    enabled: p.boolean({ doc: 'Only enabled (or disabled) elements' }),
  },
  response: listOf(routerElementResponse),
  async handler(ctx, q) {
    const r = await ctx.services.networkProviders.listRouterElements({ id: q.id, nspId: q.nspid, enabled: q.enabled }, pageOf(ctx, q));
    return { items: r.rows.map(toRouterElement), count: r.count };
  },
});
