import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { alertResponse, toAlert } from '../../responses/alerts.js';
import { listParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listAlerts',
  description: 'Lists the alerts that are not archived, most recently raised first.',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Alert', doc: 'Only this alert' }),
    type: p.string({ doc: 'Only alerts of this type (its number or name, see listAlertTypes)' }),
    name: p.string({ doc: 'Only alerts with this type name (ALERT.COMPUTE.HOST, …)' }),
  },
  response: listOf(alertResponse),
  async handler(ctx, q) {
    return listResult(await ctx.services.alerts.list({ id: q.id, type: q.type, name: q.name, keyword: q.keyword }, pageOf(ctx, q)), toAlert);
  },
});
