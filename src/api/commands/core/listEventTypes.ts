import { defineCommand, listOf } from '../../define-command.js';
import { eventTypeResponse } from '../../responses/system.js';
import { EVENT_TYPES } from '../../../services/events/event-types.generated.js';

export default defineCommand({
  name: 'listEventTypes',
  description: 'Lists every event type the cloud can record.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {},
  response: listOf(eventTypeResponse),
  async handler() {
    return { items: EVENT_TYPES.map(([name]) => ({ name })), count: EVENT_TYPES.length };
  },
});
