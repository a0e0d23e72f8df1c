import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userKeysResponse } from '../../responses/identity.js';

export default defineCommand({
  name: 'registerUserKeys',
  description: 'Generates a new API key and secret key for a user (replacing any old pair).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { id: p.uuid({ entity: 'User', required: true, doc: 'The user' }) },
  response: objectOf(userKeysResponse),
  async handler(ctx, params) {
    const u = await ctx.services.users.getForUpdate(ctx.caller, params.id);
    return ctx.services.users.registerKeys(ctx.caller, u);
  },
});
