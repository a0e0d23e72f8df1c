import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { domainResponse, toDomain } from '../../responses/identity.js';

export default defineCommand({
  name: 'updateDomain',
  description: 'Renames a domain or changes its network domain.',
  roles: ['Admin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'Domain', required: true, doc: 'The domain' }),
    name: p.string({ doc: 'New name' }),
    networkdomain: p.string({ doc: 'New network domain' }),
  },
  response: objectOf(domainResponse),
  async handler(ctx, params) {
    return toDomain(await ctx.services.domains.update(ctx.caller, params.id, { name: params.name, networkDomain: params.networkdomain }));
  },
});
