/**
 * Pluggable user authenticators, tried in order (CloudStack's PBKDF2, SHA256SALT, LDAP…).
 * Each answers for the users it owns (`source`) and skips the others. LDAP will register
 * here; the local password check is the default.
 */
import { verifyPassword } from './password.js';

export interface AuthUser {
  id: number;
  username: string;
  password: string;
  source: string;
}

export interface Authenticator {
  name: string;
  /** `true` or `false` for a verdict, `undefined` when this authenticator does not handle the user. */
  authenticate(user: AuthUser, password: string, domainPath: string): Promise<boolean | undefined>;
}

export const localPasswordAuthenticator: Authenticator = {
  name: 'local',
  async authenticate(user, password) {
    if (user.source !== 'native') return undefined;
    return verifyPassword(password, user.password);
  },
};

export async function authenticate(chain: Authenticator[], user: AuthUser, password: string, domainPath: string): Promise<boolean> {
  for (const a of chain) {
    const verdict = await a.authenticate(user, password, domainPath);
    if (verdict !== undefined) return verdict;
  }
  return false;
}
