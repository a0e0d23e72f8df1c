import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { clusterResponse, toCluster } from '../../responses/infra.js';
import { listParams, pageOf } from '../common.js';
import { groupCapacity, overcommit } from './infra-common.js';

export default defineCommand({
  name: 'listClusters',
  description: 'Lists clusters.',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Cluster', doc: 'Only this cluster' }),
    name: p.string({ doc: 'Only clusters with this name' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Only clusters of this pod' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only clusters of this zone' }),
    hypervisor: p.string({ doc: 'Only clusters of this hypervisor type' }),
    clustertype: p.string({ doc: 'Only CloudManaged or ExternalManaged clusters' }),
    allocationstate: p.string({ doc: 'Only Enabled or Disabled clusters' }),
    managedstate: p.string({ doc: 'Only clusters in this managed state' }),
    showcapacities: p.boolean({ doc: 'Include the capacity of each cluster' }),
  },
  response: listOf(clusterResponse),
  async handler(ctx, q) {
    const r = await ctx.services.clusters.list({ id: q.id, name: q.name, podId: q.podid, zoneId: q.zoneid, hypervisor: q.hypervisor, clusterType: q.clustertype, allocationState: q.allocationstate, managedState: q.managedstate, keyword: q.keyword }, pageOf(ctx, q));
    const items = [];
    for (const c of r.rows) {
      const caps = q.showcapacities ? groupCapacity(await ctx.services.capacity.compute({ clusterId: c.id }), (x) => x.clusterId).get(c.id) ?? [] : undefined;
      items.push(toCluster(c, { ...(await overcommit(ctx, c.id)), capacity: caps }));
    }
    return { items, count: r.count };
  },
});
