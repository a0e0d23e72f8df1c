import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'removeRawUsageRecords',
  description: 'Removes usage records that ended more than `interval` days ago, and the raw usage data already aggregated before then.',
  since: '4.6.0',
  roles: ['Admin'],
  async: false,
  params: {
    interval: p.integer({ required: true, doc: 'Age in days (greater than zero) of the records to remove' }),
  },
  response: success,
  async handler(ctx, params) {
    await ctx.services.usageJob.removeRaw(params.interval);
    return { success: true };
  },
});
