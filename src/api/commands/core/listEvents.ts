import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { eventResponse, toEvent } from '../../responses/system.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listEvents',
  description: 'Lists events (newest first) the caller may see.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'Event', doc: 'Only this event' }),
    duration: p.integer({ doc: 'Ignored; kept for compatibility' }),
    enddate: p.date({ doc: 'Events up to this date' }),
    entrytime: p.integer({ doc: 'Ignored; kept for compatibility' }),
    level: p.string({ doc: 'Only events of this level (INFO, WARN, ERROR)' }),
    startdate: p.date({ doc: 'Events from this date' }),
    type: p.string({ doc: 'Only events of this type, e.g. VM.CREATE' }),
    startid: p.uuid({ entity: 'Event', doc: 'Only events started by this event' }),
    resourceid: p.string({ doc: 'Only events about the resource with this id' }),
    resourcetype: p.string({ doc: 'Only events about resources of this type' }),
    archived: p.boolean({ doc: 'List archived events instead of current ones' }),
    state: p.string({ doc: 'Only events in this state (Scheduled, Started, Completed)' }),
  },
  response: listOf(eventResponse),
  async handler(ctx, params) {
    const scope = await scopeOf(ctx, params);
    const r = await ctx.services.eventQueries.list(scope, {
      id: params.id, type: params.type, level: params.level, startdate: params.startdate, enddate: params.enddate, keyword: params.keyword,
      resourceUuid: params.resourceid, resourceType: params.resourcetype, archived: params.archived, state: params.state,
    }, pageOf(ctx, params));
    return listResult(r, toEvent);
  },
});
