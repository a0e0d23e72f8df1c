import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { quotaSummaryResponse, toQuotaSummary } from '../../responses/quota.js';
import { listParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'quotaSummary',
  description: "Each account's quota balance now and its priced usage this month: users their own account, domain admins their domains' accounts, admins everyone's.",
  since: '4.7.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    account: p.string({ doc: "Only this account (with domainid, default the caller's domain)" }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Accounts of this domain and its sub-domains' }),
    listall: p.boolean({ doc: 'Every account in scope, also those without credits or usage' }),
  },
  response: listOf(quotaSummaryResponse),
  async handler(ctx, q) {
    const scope = await ctx.services.scoper.listScope(ctx.caller, { account: q.account, domainid: q.domainid, isrecursive: true, listall: true });
    return listResult(await ctx.services.quotaCredits.summary(scope, { listAll: q.listall, keyword: q.keyword }, pageOf(ctx, q)), toQuotaSummary);
  },
});
