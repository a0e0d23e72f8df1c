import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { quotaStatementResponse, toQuotaStatement } from '../../responses/quota.js';
import { quotaAccount, quotaAccountParams } from './quota-account.js';

export default defineCommand({
  name: 'quotaStatement',
  description: "An account's charges per usage type for a period: its usage records in the range priced with the tariffs in force at each record's start. Computed on request, never stored.",
  since: '4.7.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...quotaAccountParams,
    startdate: p.date({ required: true, doc: 'Start of the period' }),
    enddate: p.date({ required: true, doc: 'End of the period (a bare day means its end)' }),
    type: p.integer({ doc: 'Only this usage type' }),
  },
  response: objectOf(quotaStatementResponse),
  async handler(ctx, q) {
    if (q.startdate.getTime() > q.enddate.getTime()) throw paramError('Incorrect Date range. Start date is after end date');
    const a = await quotaAccount(ctx, q);
    return toQuotaStatement(a.name, await ctx.services.quota.statement(a.id, q.startdate, q.enddate, q.type), q.startdate, q.enddate);
  },
});
