import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { registeredKeyPairResponse, toSshKeyPair } from '../../responses/sshkeys.js';
import { keyOwnerParams } from './owner-params.js';

export default defineCommand({
  name: 'registerSSHKeyPair',
  description: 'Registers an existing OpenSSH public key (ssh-rsa, ssh-ed25519, ecdsa-sha2-*, ssh-dss) under a name.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  event: 'REGISTER.SSH.KEYPAIR',
  params: {
    ...keyOwnerParams,
    name: p.string({ required: true, doc: 'Name of the key pair' }),
    publickey: p.string({ required: true, length: 5120, doc: 'OpenSSH public key line' }),
  },
  response: objectOf(registeredKeyPairResponse),
  async handler(ctx, params) {
    return toSshKeyPair(await ctx.services.sshKeys.register(ctx.caller, { ...params, publicKey: params.publickey }));
  },
});
