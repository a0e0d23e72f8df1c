import { defineCommand, bareOf } from '../../define-command.js';
import { p } from '../../params.js';
import { asyncJobResponse, toAsyncJob } from '../../responses/system.js';
import { paramError } from '../../errors.js';

export default defineCommand({
  name: 'queryAsyncJobResult',
  description: 'Returns the status and, once finished, the result of an asynchronous job.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { jobid: p.uuid({ entity: 'AsyncJob', required: true, doc: 'The id of the job' }) },
  response: bareOf(asyncJobResponse),
  async handler(ctx, params) {
    const job = await ctx.services.jobs.get(params.jobid);
    if (!job) throw paramError('Unable to find the job');
    ctx.services.scoper.checkAccess(ctx.caller, { accountId: job.account_id, domainId: job.domain_id, domainPath: job.domain_path }, 'job');
    return toAsyncJob(job);
  },
});
