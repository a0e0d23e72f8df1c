import { defineCommand, objectOf } from '../../define-command.js';
import { routerResponse } from '../../responses/router.js';
import { ROUTER_ROLES, prepareRouter, routerId, routerWire } from './router-common.js';

export default defineCommand({
  name: 'startRouter',
  description: 'Starts a stopped router (placed by the planner); its whole configuration is applied again.',
  roles: [...ROUTER_ROLES],
  async: true,
  event: 'ROUTER.START',
  instanceType: 'DomainRouter',
  params: { ...routerId },
  response: objectOf(routerResponse),
  prepare: prepareRouter,
  async handler(ctx, q) {
    await ctx.services.routers.start(ctx.caller, q.id);
    return routerWire(ctx, q.id);
  },
});
