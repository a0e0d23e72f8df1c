import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { providerResponse, toProvider } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'updateNetworkServiceProvider',
  description: 'Enables, disables or shuts down a network service provider, or narrows its services.',
  roles: ['Admin'],
  async: true,
  event: 'SERVICE.PROVIDER.UPDATE',
  instanceType: 'NetworkServiceProvider',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'NetworkServiceProvider', required: true, doc: 'The provider' }),
    state: p.string({ doc: 'Enabled, Disabled or Shutdown' }),
    servicelist: p.stringList({ doc: 'Services the provider should offer' }),
  },
  response: objectOf(providerResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networkProviders.provider(q.id)).uuid };
  },
  async handler(ctx, q) {
    return toProvider(await ctx.services.networkProviders.updateProvider(q.id, { state: q.state, services: q.servicelist }));
  },
});
