import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { physicalNetworkResponse, toPhysicalNetwork } from '../../responses/infra-network.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listPhysicalNetworks',
  description: 'Lists physical networks.',
  roles: ['Admin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'PhysicalNetwork', doc: 'Only this physical network' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only physical networks of this zone' }),
    name: p.string({ doc: 'Only physical networks with this name' }),
  },
  response: listOf(physicalNetworkResponse),
  async handler(ctx, q) {
    const r = await ctx.services.physicalNetworks.list({ id: q.id, zoneId: q.zoneid, name: q.name, keyword: q.keyword }, pageOf(ctx, q));
    return { items: r.rows.map(toPhysicalNetwork), count: r.count };
  },
});
