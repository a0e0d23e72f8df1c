import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'archiveEvents',
  description: 'Archives events so that listEvents no longer shows them. Selects by ids and/or type and date range, within what the caller may see.',
  since: '4.3',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ids: p.uuidList({ entity: 'Event', doc: 'The events' }),
    enddate: p.date({ doc: 'Events up to this date' }),
    startdate: p.date({ doc: 'Events from this date' }),
    type: p.string({ doc: 'Events of this type' }),
  },
  response: success,
  async handler(ctx, params) {
    const scope = await ctx.services.scoper.listScope(ctx.caller, { listall: true });
    await ctx.services.eventQueries.archiveOrDelete(ctx.caller, scope, { ids: params.ids, type: params.type, startdate: params.startdate, enddate: params.enddate }, 'archive');
    return { success: true };
  },
});
