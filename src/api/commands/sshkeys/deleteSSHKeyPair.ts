import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';
import { keyOwnerParams } from './owner-params.js';

export default defineCommand({
  name: 'deleteSSHKeyPair',
  description: 'Deletes a key pair of the caller (or of the named account) by name.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { ...keyOwnerParams, name: p.string({ required: true, doc: 'Name of the key pair' }) },
  response: success,
  async handler(ctx, params) {
    await ctx.services.sshKeys.delete(ctx.caller, params);
    return { success: true };
  },
});
