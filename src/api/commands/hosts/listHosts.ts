import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { hostResponse } from '../../responses/host.js';
import { listParams, pageOf } from '../common.js';
import { hostWires } from './host-common.js';

export default defineCommand({
  name: 'listHosts',
  description: 'Lists hosts.',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Host', doc: 'Only this host' }),
    name: p.string({ doc: 'Only hosts with this name' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only hosts of this zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Only hosts of this pod' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'Only hosts of this cluster' }),
    state: p.string({ doc: 'Only hosts in this state (Up, Disconnected, …)' }),
    resourcestate: p.string({ doc: 'Only hosts in this resource state' }),
    type: p.string({ doc: 'Only hosts of this type (Routing)' }),
    hypervisor: p.string({ doc: 'Only hosts of this hypervisor type' }),
  },
  response: listOf(hostResponse),
  async handler(ctx, q) {
    const r = await ctx.services.hosts.list({ id: q.id, name: q.name, zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, state: q.state, resourceState: q.resourcestate, type: q.type, hypervisor: q.hypervisor, keyword: q.keyword }, pageOf(ctx, q));
    return { items: await hostWires(ctx, r.rows), count: r.count };
  },
});
