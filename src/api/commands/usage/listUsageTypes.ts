import { defineCommand, listOf } from '../../define-command.js';
import { toUsageType, usageTypeResponse } from '../../responses/usage.js';
import { USAGE_TYPES } from '../../../services/usage/usage-types.js';

export default defineCommand({
  name: 'listUsageTypes',
  description: 'Lists the usage types (numeric ids and descriptions) usage records carry.',
  roles: ['Admin'],
  async: false,
  params: {},
  response: listOf(usageTypeResponse),
  async handler() {
    return { items: USAGE_TYPES.map(toUsageType), count: USAGE_TYPES.length };
  },
});
