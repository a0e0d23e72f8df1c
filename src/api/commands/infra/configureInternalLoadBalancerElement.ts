import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { internalLbElementResponse, toRouterElement } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'configureInternalLoadBalancerElement',
  description: 'Enables or disables an internal load balancer element (needed before enabling the InternalLbVm provider).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: true,
  event: 'NETWORK.ELEMENT.CONFIGURE',
  instanceType: 'InternalLbElement',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'VirtualRouterElement', required: true, doc: 'The element' }),
    enabled: p.boolean({ required: true, doc: 'Enable or disable' }),
  },
  response: objectOf(internalLbElementResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networkProviders.routerElement(q.id, true)).uuid };
  },
  async handler(ctx, q) {
    return toRouterElement(await ctx.services.networkProviders.configureRouterElement(q.id, q.enabled, true));
  },
});
