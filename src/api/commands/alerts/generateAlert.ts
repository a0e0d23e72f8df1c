import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'generateAlert',
  description: 'Raises an alert (recorded, and e-mailed when alert.smtp.* is set up), as a plugin or operator script would.',
  since: '4.3',
  roles: ['Admin'],
  async: true,
  event: 'ALERT.GENERATE',
  params: {
    type: p.short({ required: true, doc: 'The alert type number (listAlertTypes)' }),
    name: p.string({ required: true, doc: 'A name for the condition; raising the same type and name again within alert.wait is suppressed' }),
    description: p.string({ required: true, length: 999, doc: 'What happened' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'The zone concerned' }),
    podid: p.uuid({ entity: 'Pod', doc: 'The pod concerned' }),
  },
  response: success,
  async handler(ctx, q) {
    await ctx.services.alerts.raise({ type: q.type, key: `generated:${q.name}`, subject: q.description, zoneId: q.zoneid ?? null, podId: q.podid ?? null });
    return { success: true };
  },
});
