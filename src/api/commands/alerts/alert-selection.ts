/** archiveAlerts and deleteAlerts differ only in what they do with the alerts selected. */
import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export function alertSelectionCommand(mode: 'archive' | 'delete', description: string) {
  return defineCommand({
    name: `${mode}Alerts`,
    description,
    roles: ['Admin'],
    async: false,
    params: {
      ids: p.uuidList({ entity: 'Alert', doc: 'The alerts' }),
      type: p.string({ doc: 'Alerts of this type (number or name)' }),
      startdate: p.date({ doc: 'Alerts raised first on or after this date' }),
      enddate: p.date({ doc: 'Alerts raised first on or before this date (a date alone includes the whole day)' }),
    },
    response: success,
    async handler(ctx, q) {
      await ctx.services.alerts.archiveOrDelete({ ids: q.ids, type: q.type, startdate: q.startdate, enddate: q.enddate }, mode);
      return { success: true };
    },
  });
}
