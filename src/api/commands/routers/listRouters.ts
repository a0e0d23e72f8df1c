import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { routerResponse, toRouter } from '../../responses/router.js';
import { accountListParams, pageOf, scopeOf } from '../common.js';
import { ROUTER_ROLES } from './router-common.js';

export default defineCommand({
  name: 'listRouters',
  description: 'Lists the virtual routers (admins; domain admins see their domains\' routers).',
  roles: [...ROUTER_ROLES],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'DomainRouter', doc: 'The router' }),
    name: p.string({ doc: 'Name of the router' }),
    state: p.string({ doc: 'State of the router' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Availability zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Pod' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'Cluster' }),
    hostid: p.uuid({ entity: 'Host', doc: 'Host' }),
    networkid: p.uuid({ entity: 'Network', doc: 'The guest network the router serves' }),
  },
  response: listOf(routerResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    const r = await ctx.services.routers.list(scope, {
      id: q.id, name: q.name, state: q.state, zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, hostId: q.hostid, networkId: q.networkid, keyword: q.keyword,
    }, pageOf(ctx, q));
    return { items: r.rows.map(toRouter), count: r.count };
  },
});
