import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'generateUsageRecords',
  description: 'Runs the usage job now: aggregates every due period not yet processed and, with startdate, the complete periods of the range never processed. Processed periods are never counted again.',
  roles: ['Admin'],
  async: false,
  params: {
    startdate: p.date({ doc: 'Start of the range (yyyy-MM-dd or with a time)' }),
    enddate: p.date({ doc: 'End of the range; a bare day means its end (23:59:59)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Accepted for compatibility; periods are aggregated for every account, as in CloudStack' }),
  },
  response: success,
  async handler(ctx, params) {
    await ctx.services.usageJob.generate(params.startdate, params.enddate);
    return { success: true };
  },
});
