import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userResponse } from '../../responses/identity.js';
import { userWire } from './user-common.js';

export default defineCommand({
  name: 'disableUser',
  description: 'Disables a user: it can no longer log in or call the API.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: true,
  event: 'USER.DISABLE',
  instanceType: 'User',
  resumable: true,
  params: { id: p.uuid({ entity: 'User', required: true, doc: 'The user' }) },
  response: objectOf(userResponse),
  async prepare(ctx, params) {
    const u = await ctx.services.users.getForUpdate(ctx.caller, params.id);
    return { instanceUuid: u.uuid };
  },
  async handler(ctx, params) {
    const u = await ctx.services.users.getForUpdate(ctx.caller, params.id);
    return userWire(ctx, await ctx.services.users.setState(ctx.caller, u, 'disabled'));
  },
});
