/** Wire shapes of alerts and alert types. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { AlertRow } from '../../services/ha/alert.service.js';

export const alertResponse = defineResponse({
  objectName: 'alert',
  className: 'AlertResponse',
  fields: { id: 'string', type: 'short', name: 'string', description: 'string', sent: 'date' },
  docs: { type: 'The alert type number (listAlertTypes)', name: 'The alert type name', description: 'What happened', sent: 'When the alert was last raised' },
});

export function toAlert(a: AlertRow): Wire {
  return { id: a.uuid, type: Number(a.type), name: a.name, description: a.subject, sent: wireDate(Number(a.last_sent)) };
}

export const alertTypeResponse = defineResponse({
  objectName: 'alerttype',
  className: 'AlertTypeResponse',
  fields: { alerttypeid: 'short', name: 'string' },
});
