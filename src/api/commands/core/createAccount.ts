import { defineCommand, objectOf } from '../../define-command.js';
import { isUuid, p } from '../../params.js';
import { accountResponse } from '../../responses/identity.js';
import { paramError } from '../../errors.js';
import { accountWire } from './account-common.js';

export default defineCommand({
  name: 'createAccount',
  description: 'Creates an account with its first user.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  params: {
    account: p.string({ doc: 'Account name; defaults to the username' }),
    accounttype: p.integer({ doc: 'Account type: 0 user, 1 root admin, 2 domain admin (or give roleid)' }),
    roleid: p.uuid({ entity: 'Role', doc: 'Role of the account', since: '4.9.0' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the account; defaults to the caller\'s' }),
    email: p.string({ required: true, doc: 'E-mail of the first user' }),
    firstname: p.string({ required: true, doc: 'First name of the first user' }),
    lastname: p.string({ required: true, doc: 'Last name of the first user' }),
    password: p.string({ required: true, sensitive: true, doc: 'Password of the first user (stored only as a hash)' }),
    timezone: p.string({ doc: 'Time zone of the first user (IANA name)' }),
    username: p.string({ required: true, doc: 'Username of the first user' }),
    networkdomain: p.string({ doc: 'Network domain for the account\'s networks' }),
    accountdetails: p.map({ doc: 'Account details (key/value)' }),
    accountid: p.string({ doc: 'UUID to give the account' }),
    userid: p.string({ doc: 'UUID to give the user' }),
  },
  response: objectOf(accountResponse),
  async handler(ctx, params) {
    if (params.accountid !== undefined && !isUuid(params.accountid)) throw paramError('accountid must be a UUID');
    if (params.userid !== undefined && !isUuid(params.userid)) throw paramError('userid must be a UUID');
    if (params.accounttype !== undefined && ![0, 1, 2, 3].includes(params.accounttype)) throw paramError(`Invalid account type ${params.accounttype}`);
    const a = await ctx.services.accounts.create(ctx.caller, {
      accountName: params.account, accountType: params.accounttype, roleId: params.roleid, domainId: params.domainid, networkDomain: params.networkdomain,
      accountUuid: params.accountid?.toLowerCase(),
      user: { username: params.username, password: params.password, email: params.email, firstname: params.firstname, lastname: params.lastname, timezone: params.timezone, userUuid: params.userid?.toLowerCase() },
    });
    return accountWire(ctx, a);
  },
});
