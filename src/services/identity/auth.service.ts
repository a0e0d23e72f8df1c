/**
 * Turns credentials into a Caller: API keys (cached briefly, dropped on any identity
 * change), login sessions (stored in the database so every server of a farm accepts them)
 * and the SYSTEM caller of the integration port.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { CloudError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { SYSTEM_USER_ID } from '../caller.js';
import type { RoleType } from '../../api/roles.js';
import { userQuery, type UserRow } from './identity.queries.js';
import { authenticate, type Authenticator } from './authenticators.js';
import type { EventService } from '../events/event.service.js';
import type { ConfigService } from '../config/config.service.js';

const KEY_CACHE_MS = 5000;

export interface KeyedCaller {
  caller: Caller;
  secretKey: string;
}

export function callerOf(u: UserRow): Caller {
  return {
    userId: u.id, userUuid: u.uuid, username: u.username, accountId: u.account_id, accountUuid: u.account_uuid,
    accountName: u.account_name, accountType: u.account_type, roleId: u.role_id, roleType: u.role_type as RoleType,
    domainId: u.domain_id, domainUuid: u.domain_uuid, domainPath: u.domain_path, isSystem: u.id === SYSTEM_USER_ID,
  };
}

const active = (u: UserRow) => u.state === 'enabled' && u.account_state === 'enabled';

export interface LoginResult {
  user: UserRow;
  sessionId: string;
  sessionKey: string;
  timeoutSeconds: number;
}

export class AuthService {
  private keyCache = new Map<string, { entry: KeyedCaller | null; at: number }>();
  private systemCaller: Caller | undefined;
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly config: ConfigService,
    private readonly authenticators: Authenticator[],
  ) {}

  /** Forget cached credentials (called on every user/account/role change). */
  invalidate(): void {
    this.keyCache.clear();
  }

  async byApiKey(apiKey: string): Promise<KeyedCaller | null> {
    const now = Date.now();
    const hit = this.keyCache.get(apiKey);
    if (hit && now - hit.at < KEY_CACHE_MS) return hit.entry;
    const u = (await userQuery(this.db.kysely).where('u.api_key', '=', apiKey).executeTakeFirst()) as UserRow | undefined;
    let entry = u && active(u) && u.secret_key ? { caller: callerOf(u), secretKey: u.secret_key } : null;
    // api.key.access (Global, Domain): key access can be switched off for a domain (ApiServer.verifyApiKeyAccessAllowed).
    if (u && entry && (await this.config.get('api.key.access', { kind: 'Domain', id: u.domain_id }))?.toLowerCase() === 'false') entry = null;
    if (this.keyCache.size > 10000) this.keyCache.clear();
    this.keyCache.set(apiKey, { entry, at: now });
    return entry;
  }

  async system(): Promise<Caller> {
    if (!this.systemCaller) {
      const u = (await userQuery(this.db.kysely).where('u.id', '=', SYSTEM_USER_ID).executeTakeFirstOrThrow()) as UserRow;
      this.systemCaller = callerOf(u);
    }
    return this.systemCaller;
  }

  async callerOfUser(userId: number): Promise<Caller | null> {
    const u = (await userQuery(this.db.kysely).where('u.id', '=', userId).executeTakeFirst()) as UserRow | undefined;
    return u ? callerOf(u) : null;
  }

  private async timeoutMs(): Promise<number> {
    const minutes = await this.config.getNumber('session.timeout');
    return (Number.isFinite(minutes) && minutes > 0 ? minutes : 30) * 60_000;
  }

  /** Checks username/password in a domain (path like '/' or '/sub/', or id) and opens a session. */
  async login(username: string, password: string, domain: { path?: string; id?: number }): Promise<LoginResult> {
    let q = userQuery(this.db.kysely).where('u.username', '=', username);
    if (domain.id !== undefined) q = q.where('d.id', '=', domain.id);
    else q = q.where('d.path', '=', normaliseDomainPath(domain.path ?? '/'));
    const u = (await q.executeTakeFirst()) as UserRow | undefined;
    const fail = () => new CloudError('PermissionDenied', `Failed to authenticate user ${username} in domain ${domain.id ?? normaliseDomainPath(domain.path ?? '/')}; please provide valid credentials`);
    if (!u || u.id === SYSTEM_USER_ID) throw fail();
    const row = await this.db.kysely.selectFrom('users').select(['password', 'source']).where('id', '=', u.id).executeTakeFirstOrThrow();
    const ok = await authenticate(this.authenticators, { id: u.id, username: u.username, password: row.password, source: row.source }, password, u.domain_path);
    if (!ok || !active(u)) {
      await this.events.record({ type: 'USER.LOGIN', level: 'ERROR', description: `Failed login for user ${username}`, userId: u.id, accountId: u.account_id, domainId: u.domain_id });
      throw fail();
    }
    const sessionId = randomBytes(24).toString('hex');
    const sessionKey = randomBytes(20).toString('base64url');
    const now = Date.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('sessions').values({ session_id: sessionId, session_key: sessionKey, user_id: u.id, created: now, last_access: now }).execute();
      await this.events.record({ type: 'USER.LOGIN', description: `user has logged in from IP Address`, userId: u.id, accountId: u.account_id, domainId: u.domain_id, resourceType: 'User', resourceUuid: u.uuid }, trx);
    });
    return { user: u, sessionId, sessionKey, timeoutSeconds: (await this.timeoutMs()) / 1000 };
  }

  /** Resolves a session; null when unknown, expired, or the user/account was disabled. */
  async bySession(sessionId: string, sessionKey: string | undefined): Promise<{ caller: Caller; sessionKey: string } | null> {
    const s = await this.db.kysely.selectFrom('sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
    if (!s) return null;
    const now = Date.now();
    if (now - s.last_access > (await this.timeoutMs())) {
      await this.db.kysely.deleteFrom('sessions').where('id', '=', s.id).execute();
      return null;
    }
    if (sessionKey !== undefined && sessionKey !== s.session_key) return null;
    const u = (await userQuery(this.db.kysely).where('u.id', '=', s.user_id).executeTakeFirst()) as UserRow | undefined;
    if (!u || !active(u)) return null;
    // Touch at most once a minute to keep writes off the hot path.
    if (now - s.last_access > 60_000) await this.db.kysely.updateTable('sessions').set({ last_access: now }).where('id', '=', s.id).execute();
    return { caller: callerOf(u), sessionKey: s.session_key };
  }

  /** Forgets a session without a logout event (a new login replaces the old session). */
  async dropSession(sessionId: string): Promise<void> {
    await this.db.kysely.deleteFrom('sessions').where('session_id', '=', sessionId).execute();
  }

  async logout(sessionId: string): Promise<void> {
    const s = await this.db.kysely.selectFrom('sessions').select(['id', 'user_id']).where('session_id', '=', sessionId).executeTakeFirst();
    if (!s) return;
    await this.db.kysely.deleteFrom('sessions').where('id', '=', s.id).execute();
    const c = await this.callerOfUser(s.user_id);
    if (c) await this.events.record({ type: 'USER.LOGOUT', description: 'user has logged out', userId: c.userId, accountId: c.accountId, domainId: c.domainId });
  }
}

/** '/sub' → '/sub/', '' → '/', as CloudStack normalises the login domain. */
export function normaliseDomainPath(p: string): string {
  let s = p.trim();
  if (s === '' ) return '/';
  if (!s.startsWith('/')) s = '/' + s;
  if (!s.endsWith('/')) s += '/';
  // ROOT may be named explicitly.
  if (/^\/root\//i.test(s)) s = s.slice(5);
  return s;
}
