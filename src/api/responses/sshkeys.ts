/** Wire shapes of SSH key pairs. */
import { defineResponse, type Wire } from './define.js';
import type { SshKeyRow } from '../../services/sshkeys/sshkey.service.js';

export const sshKeyPairResponse = defineResponse({
  objectName: 'sshkeypair',
  className: 'SSHKeyPairResponse',
  fields: { id: 'string', name: 'string', account: 'string', domainid: 'string', domain: 'string', fingerprint: 'string', hasannotations: 'boolean' },
});

/** registerSSHKeyPair answers under `keypair`. */
export const registeredKeyPairResponse = defineResponse({ ...sshKeyPairResponse, objectName: 'keypair' });

/** createSSHKeyPair: the one response that carries the private key. */
export const createdKeyPairResponse = defineResponse({
  objectName: 'keypair',
  className: 'CreateSSHKeyPairResponse',
  fields: { ...sshKeyPairResponse.fields, privatekey: 'string' },
});

export function toSshKeyPair(k: SshKeyRow): Wire {
  return { id: k.uuid, name: k.name, account: k.account_name, domainid: k.domain_uuid, domain: k.domain_name, fingerprint: k.fingerprint, hasannotations: false };
}
