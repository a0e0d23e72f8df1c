import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { resourceCountResponse, toResourceCount } from '../../responses/limits.js';
import { RESOURCE_TYPES } from '../../../services/limits/resource-types.js';

export default defineCommand({
  name: 'updateResourceCount',
  description: 'Recalculates resource counts of an account, or of a domain and everything under it, from what they own.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    account: p.string({ doc: 'Recount this account of the domain' }),
    domainid: p.uuid({ entity: 'Domain', required: true, doc: 'The domain to recount (or of the account)' }),
    resourcetype: p.integer({ doc: 'Only this type (0-11); all types when absent' }),
  },
  response: listOf(resourceCountResponse),
  async handler(ctx, params) {
    const types = params.resourcetype !== undefined ? [ctx.services.limitAdmin.typeOf(params.resourcetype)] : RESOURCE_TYPES;
    const entries = await ctx.services.limitAdmin.recount(ctx.caller, { account: params.account, domainid: params.domainid, types });
    return { items: entries.map(toResourceCount), count: entries.length };
  },
});
