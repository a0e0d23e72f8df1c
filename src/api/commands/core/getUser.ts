import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userResponse } from '../../responses/identity.js';
import { paramError } from '../../errors.js';
import { userWire } from './user-common.js';

export default defineCommand({
  name: 'getUser',
  description: 'Finds the user that owns an API key.',
  roles: ['Admin'],
  async: false,
  params: { userapikey: p.string({ required: true, sensitive: true, doc: 'The API key' }) },
  response: objectOf(userResponse),
  async handler(ctx, params) {
    const u = await ctx.services.users.byApiKey(params.userapikey);
    if (!u) throw paramError('Unable to find a user with the given API key');
    return userWire(ctx, u);
  },
});
