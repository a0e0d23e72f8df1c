/** SSH key pairs (issue #5). */
import type { AnyCommand } from '../../define-command.js';
import createSSHKeyPair from './createSSHKeyPair.js';
import registerSSHKeyPair from './registerSSHKeyPair.js';
import listSSHKeyPairs from './listSSHKeyPairs.js';
import deleteSSHKeyPair from './deleteSSHKeyPair.js';

export const SSHKEYS_COMMANDS: AnyCommand[] = [createSSHKeyPair, registerSSHKeyPair, listSSHKeyPairs, deleteSSHKeyPair];
