import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { resourceLimitResponse, toResourceLimit } from '../../responses/limits.js';

export default defineCommand({
  name: 'updateResourceLimit',
  description: 'Sets the limit of one resource type for an account (account + domainid) or a domain (domainid); -1 means unlimited.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    account: p.string({ doc: 'The account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'The domain, or the domain of the account' }),
    max: p.long({ doc: 'Maximum amount (GiB for storage); -1 or absent for unlimited' }),
    resourcetype: p.integer({ required: true, doc: '0 user_vm, 1 public_ip, 2 volume, 3 snapshot, 4 template, 5 project, 6 network, 7 vpc, 8 cpu, 9 memory (MiB), 10 primary_storage (GiB), 11 secondary_storage (GiB)' }),
  },
  response: objectOf(resourceLimitResponse),
  async handler(ctx, params) {
    const type = ctx.services.limitAdmin.typeOf(params.resourcetype);
    return toResourceLimit(await ctx.services.limitAdmin.update(ctx.caller, { account: params.account, domainid: params.domainid, type, max: params.max }));
  },
});
