import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { sshKeyPairResponse, toSshKeyPair } from '../../responses/sshkeys.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

export default defineCommand({
  name: 'listSSHKeyPairs',
  description: 'Lists SSH key pairs the caller may see (its own by default).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'SSHKeyPair', doc: 'Only this key pair' }),
    name: p.string({ doc: 'Only the key pair with this name' }),
    fingerprint: p.string({ doc: 'Only the key pair with this fingerprint' }),
  },
  response: listOf(sshKeyPairResponse),
  async handler(ctx, params) {
    const scope = await scopeOf(ctx, params);
    return listResult(await ctx.services.sshKeys.list(scope, params, pageOf(ctx, params)), toSshKeyPair);
  },
});
