import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { createdKeyPairResponse, toSshKeyPair } from '../../responses/sshkeys.js';
import { keyOwnerParams } from './owner-params.js';

export default defineCommand({
  name: 'createSSHKeyPair',
  description: 'Creates an RSA 2048 key pair; the private key is returned only in this response and never stored.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { ...keyOwnerParams, name: p.string({ required: true, doc: 'Name of the key pair' }) },
  response: objectOf(createdKeyPairResponse),
  async handler(ctx, params) {
    const { key, privateKey } = await ctx.services.sshKeys.create(ctx.caller, params);
    return { ...toSshKeyPair(key), privatekey: privateKey };
  },
});
