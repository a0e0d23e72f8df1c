import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userKeysResponse } from '../../responses/identity.js';

export default defineCommand({
  name: 'getUserKeys',
  description: 'Returns a user\'s API key and secret key.',
  since: '4.10.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { id: p.uuid({ entity: 'User', required: true, doc: 'The user' }) },
  response: objectOf(userKeysResponse),
  async handler(ctx, params) {
    const u = await ctx.services.users.getForUpdate(ctx.caller, params.id);
    return { apikey: u.api_key ?? undefined, secretkey: u.secret_key ?? undefined };
  },
});
