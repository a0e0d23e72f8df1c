import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toTrafficType, trafficTypeResponse } from '../../responses/infra-network.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listTrafficTypes',
  description: 'Lists the traffic types of a physical network.',
  roles: ['Admin'],
  async: false,
  params: {
    ...listParams,
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', required: true, doc: 'The physical network' }),
  },
  response: listOf(trafficTypeResponse),
  async handler(ctx, q) {
    const r = await ctx.services.networkProviders.listTrafficTypes(q.physicalnetworkid, q.keyword, pageOf(ctx, q));
    return { items: r.rows.map(toTrafficType), count: r.count };
  },
});
