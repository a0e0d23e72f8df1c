import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { routerResponse } from '../../responses/router.js';
import { ROUTER_ROLES, prepareRouter, routerId, routerWire } from './router-common.js';

export default defineCommand({
  name: 'stopRouter',
  description: 'Stops a router (gracefully, or at once with forced=true); its guests lose routing until it starts again.',
  roles: [...ROUTER_ROLES],
  async: true,
  event: 'ROUTER.STOP',
  instanceType: 'DomainRouter',
  params: { ...routerId, forced: p.boolean({ doc: 'Force stop the router' }) },
  response: objectOf(routerResponse),
  prepare: prepareRouter,
  async handler(ctx, q) {
    await ctx.services.routers.stop(ctx.caller, q.id, q.forced === true);
    return routerWire(ctx, q.id);
  },
});
