import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { providerResponse, toProvider } from '../../responses/infra-network.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listNetworkServiceProviders',
  description: 'Lists the network service providers of physical networks.',
  roles: ['Admin'],
  async: false,
  params: {
    ...listParams,
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', doc: 'Only providers of this physical network' }),
    name: p.string({ doc: 'Only providers with this name (VirtualRouter, …)' }),
    state: p.string({ doc: 'Only Enabled, Disabled or Shutdown providers' }),
  },
  response: listOf(providerResponse),
  async handler(ctx, q) {
    const r = await ctx.services.networkProviders.listProviders({ physicalNetworkId: q.physicalnetworkid, name: q.name, state: q.state, keyword: q.keyword }, pageOf(ctx, q));
    return { items: r.rows.map(toProvider), count: r.count };
  },
});
