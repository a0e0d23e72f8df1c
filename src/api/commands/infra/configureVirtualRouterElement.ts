import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { routerElementResponse, toRouterElement } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'configureVirtualRouterElement',
  description: 'Enables or disables a virtual router element (needed before enabling its provider).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: true,
  event: 'NETWORK.ELEMENT.CONFIGURE',
  instanceType: 'VirtualRouterElement',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'VirtualRouterElement', required: true, doc: 'The element' }),
    enabled: p.boolean({ required: true, doc: 'Enable or disable' }),
  },
  response: objectOf(routerElementResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networkProviders.routerElement(q.id)).uuid };
  },
  async handler(ctx, q) {
    return toRouterElement(await ctx.services.networkProviders.configureRouterElement(q.id, q.enabled));
  },
});
