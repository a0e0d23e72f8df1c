import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { quotaBalanceResponse, toQuotaBalance } from '../../responses/quota.js';
import { quotaAccount, quotaAccountParams } from './quota-account.js';

export default defineCommand({
  name: 'quotaBalance',
  description: "An account's quota balance at the start and the end of a period (credits minus its priced usage records ended by then) and the credits made in between; without dates, the balance now.",
  since: '4.7.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...quotaAccountParams,
    startdate: p.date({ doc: 'Start of the period' }),
    enddate: p.date({ doc: 'End of the period (a bare day means its end; default now)' }),
  },
  response: objectOf(quotaBalanceResponse),
  async handler(ctx, q) {
    const a = await quotaAccount(ctx, q);
    return toQuotaBalance(a, await ctx.services.quotaCredits.balance(a.id, q.startdate, q.enddate));
  },
});
