import { defineCommand, objectOf } from '../../define-command.js';
import { isUuid, p } from '../../params.js';
import { userResponse } from '../../responses/identity.js';
import { paramError } from '../../errors.js';
import { userWire } from './user-common.js';

export default defineCommand({
  name: 'createUser',
  description: 'Creates a user in an existing account.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    account: p.string({ required: true, doc: 'Account of the user' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the account; defaults to the caller\'s' }),
    email: p.string({ required: true, doc: 'E-mail' }),
    firstname: p.string({ required: true, doc: 'First name' }),
    lastname: p.string({ required: true, doc: 'Last name' }),
    password: p.string({ required: true, sensitive: true, doc: 'Password (stored only as a hash)' }),
    timezone: p.string({ doc: 'Time zone (IANA name)' }),
    username: p.string({ required: true, doc: 'Username, unique within the domain' }),
    userid: p.string({ doc: 'UUID to give the user' }),
  },
  response: objectOf(userResponse),
  async handler(ctx, params) {
    if (params.userid !== undefined && !isUuid(params.userid)) throw paramError('userid must be a UUID');
    const ref = await ctx.services.scoper.accountByName(ctx.caller, params.account, params.domainid);
    const a = await ctx.services.accounts.get(ref.id);
    const u = await ctx.services.users.create(ctx.caller, a, {
      username: params.username, password: params.password, email: params.email, firstname: params.firstname, lastname: params.lastname, timezone: params.timezone, userUuid: params.userid?.toLowerCase(),
    });
    return userWire(ctx, u);
  },
});
