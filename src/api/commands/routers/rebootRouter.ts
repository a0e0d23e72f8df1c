import { defineCommand, objectOf } from '../../define-command.js';
import { routerResponse } from '../../responses/router.js';
import { ROUTER_ROLES, prepareRouter, routerId, routerWire } from './router-common.js';

export default defineCommand({
  name: 'rebootRouter',
  description: 'Reboots a running router; its whole configuration is applied again.',
  roles: [...ROUTER_ROLES],
  async: true,
  event: 'ROUTER.REBOOT',
  instanceType: 'DomainRouter',
  params: { ...routerId },
  response: objectOf(routerResponse),
  prepare: prepareRouter,
  async handler(ctx, q) {
    await ctx.services.routers.reboot(ctx.caller, q.id);
    return routerWire(ctx, q.id);
  },
});
