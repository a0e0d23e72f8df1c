import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userResponse } from '../../responses/identity.js';
import { userWire } from './user-common.js';

export default defineCommand({
  name: 'lockUser',
  description: 'Locks a user: it can no longer log in or call the API.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: { id: p.uuid({ entity: 'User', required: true, doc: 'The user' }) },
  response: objectOf(userResponse),
  async handler(ctx, params) {
    const u = await ctx.services.users.getForUpdate(ctx.caller, params.id);
    return userWire(ctx, await ctx.services.users.setState(ctx.caller, u, 'locked'));
  },
});
