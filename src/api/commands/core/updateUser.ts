import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userResponse } from '../../responses/identity.js';
import { userWire } from './user-common.js';

export default defineCommand({
  name: 'updateUser',
  description: 'Updates a user: names, e-mail, time zone, password (users changing their own need the current one) or API keys.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    id: p.uuid({ entity: 'User', required: true, doc: 'The user' }),
    userapikey: p.string({ sensitive: true, doc: 'New API key (with usersecretkey)' }),
    usersecretkey: p.string({ sensitive: true, doc: 'New secret key (with userapikey)' }),
    email: p.string({ doc: 'E-mail' }),
    firstname: p.string({ doc: 'First name' }),
    lastname: p.string({ doc: 'Last name' }),
    password: p.string({ sensitive: true, doc: 'New password' }),
    currentpassword: p.string({ sensitive: true, doc: 'Current password, required when users change their own' }),
    timezone: p.string({ doc: 'Time zone (IANA name)' }),
    username: p.string({ doc: 'New username' }),
  },
  response: objectOf(userResponse),
  async handler(ctx, params) {
    const u = await ctx.services.users.getForUpdate(ctx.caller, params.id);
    const updated = await ctx.services.users.update(ctx.caller, u, {
      username: params.username, password: params.password, currentPassword: params.currentpassword, email: params.email, firstname: params.firstname,
      lastname: params.lastname, timezone: params.timezone, apiKey: params.userapikey, secretKey: params.usersecretkey,
    });
    return userWire(ctx, updated);
  },
});
