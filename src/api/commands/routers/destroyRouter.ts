import { defineCommand, objectOf } from '../../define-command.js';
import { routerResponse, toRouter } from '../../responses/router.js';
import { ROUTER_ROLES, prepareRouter, routerId } from './router-common.js';

export default defineCommand({
  name: 'destroyRouter',
  description: 'Destroys a router (stopped first if running); the network gets a new one when a guest of it starts.',
  roles: [...ROUTER_ROLES],
  async: true,
  event: 'ROUTER.DESTROY',
  instanceType: 'DomainRouter',
  params: { ...routerId },
  response: objectOf(routerResponse),
  prepare: prepareRouter,
  async handler(ctx, q) {
    const before = await ctx.services.routers.getOrFail(q.id);
    const after = await ctx.services.routers.destroy(ctx.caller, q.id);
    return toRouter({ ...before, state: after.state, host_id: null, host_uuid: null, host_name: null });
  },
});
