import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toZone, toZoneForUser, zoneResponse } from '../../responses/infra.js';
import { isRootAdmin } from '../../../services/caller.js';
import { listParams, pageOf } from '../common.js';
import { groupCapacity } from './infra-common.js';

export default defineCommand({
  name: 'listZones',
  description: 'Lists the zones the caller may use: all for root admins, public and own-domain zones for others.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Zone', doc: 'Only this zone' }),
    ids: p.uuidList({ entity: 'Zone', doc: 'Only these zones' }),
    available: p.boolean({ doc: 'Only zones available to the caller (always the case here)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Only zones dedicated to this domain' }),
    name: p.string({ doc: 'Only the zone with this name' }),
    networktype: p.string({ doc: 'Only Basic or Advanced zones' }),
    showcapacities: p.boolean({ doc: 'Include the capacity of each zone' }),
  },
  response: listOf(zoneResponse),
  async handler(ctx, q) {
    const r = await ctx.services.zones.list(ctx.caller, { id: q.id, ids: q.ids, name: q.name, networkType: q.networktype, domainId: q.domainid, keyword: q.keyword }, pageOf(ctx, q));
    if (!isRootAdmin(ctx.caller)) return { items: r.rows.map(toZoneForUser), count: r.count };
    const caps = q.showcapacities ? groupCapacity(await ctx.services.capacity.compute({}), (c) => c.zoneId) : undefined;
    return { items: r.rows.map((z) => toZone(z, caps ? (caps.get(z.id) ?? []) : undefined)), count: r.count };
  },
});
