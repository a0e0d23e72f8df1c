import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { asyncJobResponse, toAsyncJob } from '../../responses/system.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listAsyncJobs',
  description: 'Lists asynchronous jobs visible to the caller.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { ...accountListParams, startdate: p.date({ doc: 'Only jobs created on or after this date' }) },
  response: listOf(asyncJobResponse),
  async handler(ctx, params) {
    const scope = await scopeOf(ctx, params);
    return listResult(await ctx.services.jobs.list(scope, { startdate: params.startdate, keyword: params.keyword }, pageOf(ctx, params)), toAsyncJob);
  },
});
