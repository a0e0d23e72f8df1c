import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { domainResponse, toDomain } from '../../responses/identity.js';
import { listParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listDomainChildren',
  description: 'Lists the sub-domains of a domain (direct children, or all descendants with isrecursive=true).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'Domain', doc: 'Parent domain; defaults to the caller\'s' }),
    name: p.string({ doc: 'Only children with this name' }),
    isrecursive: p.boolean({ doc: 'Include all descendants' }),
    listall: p.boolean({ doc: 'Same as isrecursive' }),
  },
  response: listOf(domainResponse),
  async handler(ctx, params) {
    return listResult(await ctx.services.domains.listChildren(ctx.caller, params, pageOf(ctx, params)), toDomain);
  },
});
