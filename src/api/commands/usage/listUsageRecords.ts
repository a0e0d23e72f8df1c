import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { toUsageRecord, usageRecordResponse } from '../../responses/usage.js';
import { listParams, listResult, pageOf } from '../common.js';
import type { ListScope } from '../../../services/identity/scope.js';

export default defineCommand({
  name: 'listUsageRecords',
  description: 'Lists the usage records (start and end within the range) of the accounts the caller may see.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    ...listParams,
    startdate: p.date({ required: true, doc: 'Start of the range; a bare day means 00:00:00' }),
    enddate: p.date({ required: true, doc: 'End of the range; a bare day means 23:59:59' }),
    account: p.string({ doc: 'Records of this account (with domainid, else the caller\'s domain)' }),
    accountid: p.uuid({ entity: 'Account', doc: 'Records of this account' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Records of accounts in this domain' }),
    isrecursive: p.boolean({ doc: 'With domainid, include sub-domains' }),
    type: p.long({ doc: 'Only this usage type (see listUsageTypes)' }),
    usageid: p.string({ doc: 'Only records of this resource (VM, IP, volume… UUID)' }),
  },
  response: listOf(usageRecordResponse),
  async handler(ctx, params) {
    if (params.startdate.getTime() > params.enddate.getTime()) throw paramError('Incorrect Date range. Start date is after end date');
    const s = ctx.services.scoper;
    let scope: ListScope;
    if (params.accountid !== undefined) {
      const a = await ctx.services.accounts.get(params.accountid);
      s.checkAccess(ctx.caller, { accountId: a.id, domainId: a.domain_id, domainPath: a.domain_path }, 'account');
      scope = { kind: 'account', accountId: a.id };
    } else if (params.account !== undefined || params.domainid !== undefined || ctx.caller.roleType === 'User') {
      scope = await s.listScope(ctx.caller, params);
    } else {
      scope = await s.listScope(ctx.caller, { listall: true });
    }
    const r = await ctx.services.usageQueries.list(scope, { start: params.startdate, end: params.enddate, type: params.type, usageId: params.usageid, keyword: params.keyword }, pageOf(ctx, params));
    return listResult(r, toUsageRecord);
  },
});
