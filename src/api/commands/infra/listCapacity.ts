import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { capacityResponse, toCapacity } from '../../responses/infra.js';
import { listParams, pageOf } from '../common.js';
import { percent } from '../../../services/infra/capacity.service.js';
import { placeNames } from './infra-common.js';

export default defineCommand({
  name: 'listCapacity',
  description: 'Lists capacity (used/total/percent) per zone, or for one pod or cluster: memory, CPU, storage, addresses, VLANs.',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    ...listParams,
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only this zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Capacity of this pod' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'Capacity of this cluster' }),
    type: p.integer({ doc: 'Only this capacity type (0 memory, 1 CPU, 2 storage, 3 allocated storage, 4 public IPs, 5 private IPs, 6 secondary storage, 7 VLANs, 9 local storage)' }),
    sortby: p.string({ doc: 'usage: highest percentage first' }),
    fetchlatest: p.boolean({ doc: 'Capacity is always computed live' }),
    tag: p.string({ doc: 'Ignored' }),
  },
  response: listOf(capacityResponse),
  async handler(ctx, q) {
    const items = await ctx.services.capacity.compute({ zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, type: q.type });
    if (q.sortby?.toLowerCase() === 'usage') items.sort((a, b) => Number(percent(b.used, b.total)) - Number(percent(a.used, a.total)));
    const names = await placeNames(ctx);
    const r = pageOf(ctx, q).slice(items);
    return { items: r.rows.map((c) => toCapacity(c, names)), count: r.count };
  },
});
