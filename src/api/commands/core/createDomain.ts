import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { domainResponse, toDomain } from '../../responses/identity.js';
import { isUuid } from '../../params.js';
import { paramError } from '../../errors.js';

export default defineCommand({
  name: 'createDomain',
  description: 'Creates a domain under a parent domain (the caller\'s own by default).',
  roles: ['Admin', 'DomainAdmin'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Name of the domain' }),
    parentdomainid: p.uuid({ entity: 'Domain', doc: 'Parent domain; defaults to the caller\'s domain' }),
    networkdomain: p.string({ doc: 'Network domain for the networks of this domain' }),
    domainid: p.string({ doc: 'UUID to give the new domain', since: '4.2' }),
  },
  response: objectOf(domainResponse),
  async handler(ctx, params) {
    if (params.domainid !== undefined && !isUuid(params.domainid)) throw paramError('domainid must be a UUID');
    const d = await ctx.services.domains.create(ctx.caller, { name: params.name, parentId: params.parentdomainid, networkDomain: params.networkdomain, uuid: params.domainid?.toLowerCase() });
    return toDomain(d);
  },
});
