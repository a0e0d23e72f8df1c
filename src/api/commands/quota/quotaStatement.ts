import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { quotaStatementResponse, toQuotaStatement } from '../../responses/quota.js';

export default defineCommand({
  name: 'quotaStatement',
  description: "An account's charges per usage type for a period: its usage records in the range priced with the tariffs in force at each record's start. Computed on request, never stored.",
  since: '4.7.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    account: p.string({ required: true, doc: 'The account' }),
    domainid: p.uuid({ entity: 'Domain', required: true, doc: "The account's domain" }),
    startdate: p.date({ required: true, doc: 'Start of the period' }),
    enddate: p.date({ required: true, doc: 'End of the period (a bare day means its end)' }),
    type: p.integer({ doc: 'Only this usage type' }),
    accountid: p.uuid({ entity: 'Account', doc: 'The account, by id (instead of account and domainid)' }),
  },
  response: objectOf(quotaStatementResponse),
  async handler(ctx, q) {
    if (q.startdate.getTime() > q.enddate.getTime()) throw paramError('Incorrect Date range. Start date is after end date');
    let accountId: number;
    let name: string;
    if (q.accountid !== undefined) {
      const a = await ctx.services.accounts.get(q.accountid);
      ctx.services.scoper.checkAccess(ctx.caller, { accountId: a.id, domainId: a.domain_id, domainPath: a.domain_path }, 'account');
      accountId = a.id;
      name = a.account_name;
    } else {
      accountId = (await ctx.services.scoper.accountByName(ctx.caller, q.account, q.domainid)).id;
      name = q.account;
    }
    return toQuotaStatement(name, await ctx.services.quota.statement(accountId, q.startdate, q.enddate, q.type), q.startdate, q.enddate);
  },
});
