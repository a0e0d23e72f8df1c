/**
 * Turns credentials into a Caller: API keys and login sessions (both read from the database
 * on every request, so every server of a farm refuses a disabled user at once) and the
 * SYSTEM caller of the integration port.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { CloudError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { SYSTEM_USER_ID } from '../caller.js';
import type { RoleType } from '../../api/roles.js';
import { userQuery, type UserRow } from './identity.queries.js';
import { QueryTemplate } from '../../db/prepared.js';
import { authenticate, type Authenticator } from './authenticators.js';
import type { EventService } from '../events/event.service.js';
import type { ConfigService } from '../config/config.service.js';

export interface KeyedCaller {
  caller: Caller;
  secretKey: string;
}

/** The user row fields a Caller is made of. */
type CallerFields = Pick<UserRow, 'id' | 'uuid' | 'username' | 'account_id' | 'account_uuid' | 'account_name' | 'account_type' | 'role_id' | 'role_type' | 'domain_id' | 'domain_uuid' | 'domain_path'>;

export function callerOf(u: CallerFields): Caller {
  return {
    userId: u.id, userUuid: u.uuid, username: u.username, accountId: u.account_id, accountUuid: u.account_uuid,
    accountName: u.account_name, accountType: u.account_type, roleId: u.role_id, roleType: u.role_type as RoleType,
    domainId: u.domain_id, domainUuid: u.domain_uuid, domainPath: u.domain_path, isSystem: u.id === SYSTEM_USER_ID,
  };
}

const active = (u: Pick<UserRow, 'state' | 'account_state'>) => u.state === 'enabled' && u.account_state === 'enabled';

/**
 * The caller behind an API key, with its secret, its states and its domain's
 * `api.key.access` override, in one indexed read. A user or account disabled, locked or
 * deleted, or a key regenerated, through any server of a farm, is refused by the very next
 * request: PostgreSQL and MySQL read every time, and SQLite's read cache drops the row as soon
 * as one of these tables is written (db/read-cache.ts). A template (db/prepared.ts): it runs
 * on every signed request.
 */
const BY_API_KEY = new QueryTemplate<CallerFields & Pick<UserRow, 'state' | 'account_state' | 'secret_key'> & { key_access: string | null }>((k, $) =>
  k
    .selectFrom('users as u')
    .innerJoin('accounts as a', 'a.id', 'u.account_id')
    .innerJoin('domains as d', 'd.id', 'a.domain_id')
    .innerJoin('roles as r', 'r.id', 'a.role_id')
    .leftJoin('config_overrides as o', (j) => j.onRef('o.scope_id', '=', 'd.id').on('o.scope', '=', 'Domain').on('o.name', '=', 'api.key.access'))
    .select([
      'u.id', 'u.uuid', 'u.username', 'u.state', 'u.secret_key', 'u.account_id', 'a.uuid as account_uuid', 'a.account_name', 'a.type as account_type',
      'a.state as account_state', 'd.id as domain_id', 'd.uuid as domain_uuid', 'd.path as domain_path', 'r.id as role_id', 'r.role_type as role_type',
      'o.value as key_access',
    ])
    .where('u.api_key', '=', $<string>('key'))
    .where('u.removed', 'is', null)
    .where('a.removed', 'is', null),
  { cacheRows: true },
);

export interface LoginResult {
  user: UserRow;
  sessionId: string;
  sessionKey: string;
  timeoutSeconds: number;
}

export class AuthService {
  private systemCaller: Caller | undefined;
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly config: ConfigService,
    private readonly authenticators: Authenticator[],
  ) {}

  async byApiKey(apiKey: string): Promise<KeyedCaller | null> {
    const [u] = await BY_API_KEY.execute(this.db.kysely, '', { key: apiKey });
    if (!u || !active(u) || !u.secret_key) return null;
    // api.key.access (Global, Domain): key access can be switched off for a domain (ApiServer.verifyApiKeyAccessAllowed).
    const access = u.key_access ?? (await this.config.get('api.key.access'));
    if (access?.toLowerCase() === 'false') return null;
    return { caller: callerOf(u), secretKey: u.secret_key };
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
