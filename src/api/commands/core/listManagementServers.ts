import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { defineResponse, wireDate, type Wire } from '../../responses/define.js';
import type { ManagementServerRegistry, ServerRow } from '../../../services/farm/registry.service.js';
import { listParams, pageOf } from '../common.js';
import { Page } from '../../../services/paging.js';

export const managementServerResponse = defineResponse({
  objectName: 'managementserver', className: 'ManagementServerResponse',
  fields: { id: 'string', name: 'string', state: 'string', version: 'string', serviceip: 'string', ipaddress: 'string', lastserverstart: 'date', lastserverstop: 'date', peers: 'list' },
  docs: { state: 'Up while its heartbeat is fresh, else Down', peers: 'The other management servers sharing the database (with peers=true)' },
});

function peerPort(r: ServerRow): string | undefined {
  return r.internal_url ? new URL(r.internal_url).port || undefined : undefined;
}

function toServer(farm: ManagementServerRegistry, r: ServerRow, now: number, all: ServerRow[] | undefined): Wire {
  return {
    id: r.uuid, name: r.name, state: farm.stateOf(r, now), version: r.version, serviceip: r.service_ip, ipaddress: r.service_ip,
    lastserverstart: wireDate(r.started), lastserverstop: wireDate(r.stopped),
    peers: all?.filter((x) => x.id !== r.id).map((x) => ({
      state: farm.stateOf(x, now), lastupdated: wireDate(x.last_seen), peerid: x.uuid, peername: x.name, peermsid: x.msid, peerrunid: String(x.started),
      peerstate: farm.stateOf(x, now), peerserviceip: x.service_ip, peerserviceport: peerPort(x),
    })),
  };
}

export default defineCommand({
  name: 'listManagementServers',
  description: 'Lists the management servers sharing this database, with their heartbeat state and version.',
  roles: ['Admin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'ManagementServer', doc: 'the id of the management server' }),
    name: p.string({ doc: 'the name of the management server' }),
    peers: p.boolean({ doc: 'Whether to return the management server peers or not. By default, the management server peers will not be returned.' }),
  },
  response: listOf(managementServerResponse),
  async handler(ctx, q) {
    const farm = ctx.services.farm;
    const r = await farm.list({ id: q.id, name: q.name, keyword: q.keyword }, pageOf(ctx, q));
    const all = q.peers ? (await farm.list({}, Page.all())).rows : undefined;
    const now = Date.now();
    return { items: r.rows.map((row) => toServer(farm, row, now, all)), count: r.count };
  },
});
