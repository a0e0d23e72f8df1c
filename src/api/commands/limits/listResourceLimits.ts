import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { resourceLimitResponse, toResourceLimit } from '../../responses/limits.js';
import { listParams } from '../common.js';
import { RESOURCE_TYPES } from '../../../services/limits/resource-types.js';

export default defineCommand({
  name: 'listResourceLimits',
  description: "Lists resource limits: the caller's account by default, a named account, or (admins) a domain.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    account: p.string({ doc: 'Limits of this account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: "The domain's limits, or the domain of the named account" }),
    listall: p.boolean({ doc: 'Accepted for compatibility' }),
    isrecursive: p.boolean({ doc: 'Accepted for compatibility' }),
    resourcetype: p.integer({ doc: 'Only this type: 0 user_vm, 1 public_ip, 2 volume, 3 snapshot, 4 template, 5 project, 6 network, 7 vpc, 8 cpu, 9 memory, 10 primary_storage, 11 secondary_storage' }),
    resourcetypename: p.string({ doc: 'Only this type, by name (user_vm, public_ip, … secondary_storage)' }),
  },
  response: listOf(resourceLimitResponse),
  async handler(ctx, params) {
    let types = [...RESOURCE_TYPES];
    if (params.resourcetype !== undefined) types = [ctx.services.limitAdmin.typeOf(params.resourcetype)];
    if (params.resourcetypename !== undefined) {
      types = types.filter((t) => t.name === params.resourcetypename);
      if (types.length === 0) throw paramError('Please specify a valid resource type name.');
    }
    const entries = await ctx.services.limitAdmin.list(ctx.caller, { account: params.account, domainid: params.domainid, types });
    return { items: entries.map(toResourceLimit), count: entries.length };
  },
});
