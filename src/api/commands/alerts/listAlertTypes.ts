import { defineCommand, listOf } from '../../define-command.js';
import { alertTypeResponse } from '../../responses/alerts.js';
import { ALERT_TYPES } from '../../../services/ha/alert-types.js';

export default defineCommand({
  name: 'listAlertTypes',
  description: 'Lists the alert types with their numbers.',
  roles: ['Admin'],
  async: false,
  params: {},
  response: listOf(alertTypeResponse),
  async handler() {
    return { items: ALERT_TYPES.map(([id, name]) => ({ alerttypeid: id, name })), count: ALERT_TYPES.length };
  },
});
