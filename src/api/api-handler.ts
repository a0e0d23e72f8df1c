/**
 * The `/client/api` endpoint without the web framework: authenticates the request (API-key
 * signature, session, or the integration port's SYSTEM caller), dispatches, and renders
 * the JSON or XML envelope. `server.ts` adapts it to Fastify.
 */
import { randomUUID } from 'node:crypto';
import { CloudError, toErrorResponse } from './errors.js';
import { toJson, toXml } from './envelope.js';
import { requestParams, parseCookies } from './http-params.js';
import { verifySignature } from './signature.js';
import { parseCloudDate } from './params.js';
import type { Dispatcher, DispatchResult } from './dispatcher.js';
import type { Registry } from './registry.js';
import type { Services } from '../services/index.js';
import type { Caller } from '../services/caller.js';
import { isRootAdmin } from '../services/caller.js';
import { normaliseDomainPath } from '../services/identity/auth.service.js';
import type { Wire } from './responses/define.js';
import { timeZoneOffsetHours } from '../util/timezones.js';

export interface ApiRequest {
  method: string;
  queryString: string;
  body?: string | undefined;
  cookieHeader?: string | undefined;
  /** Set on the integration port: no credentials, everything runs as SYSTEM. */
  integration?: boolean;
}

export interface ApiReply {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
  cookies: string[];
}

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'X-XSS-Protection': '1;mode=block' };
const UNAUTHORIZED = 'unable to verify user credentials and/or request signature';

export class ApiHandler {
  constructor(
    private readonly registry: Registry,
    private readonly dispatcher: Dispatcher,
    private readonly services: Services,
    private readonly log: { error(obj: unknown, msg: string): void; info(obj: unknown, msg: string): void },
  ) {}

  async handle(req: ApiRequest): Promise<ApiReply> {
    const requestId = randomUUID();
    const { original, lower } = requestParams(req.queryString, req.method === 'POST' ? req.body : undefined);
    const format = lower['response']?.toLowerCase() === 'json' ? 'json' : 'xml';
    const command = lower['command'] ?? '';
    const cookies = parseCookies(req.cookieHeader);
    const reply = (r: DispatchResult, caller: Caller | null, extra: Partial<ApiReply> = {}) => this.render(r, format, caller, extra);
    try {
      const lc = command.toLowerCase();
      if (lc === 'login' && !req.integration) return await this.login(req, lower, format, cookies['JSESSIONID']);
      if (lc === 'logout' && !req.integration) return await this.logout(cookies, format);

      let caller: Caller | null;
      if (req.integration) caller = await this.services.auth.system();
      else caller = await this.authenticate(original, lower, cookies);
      const cmd = this.registry.get(command);
      if (!caller) return reply(this.unauthorized(cmd ? `${cmd.name.toLowerCase()}response` : 'errorresponse'), null);
      if (!cmd) {
        const text = isRootAdmin(caller) ? `Unknown API command: ${command}` : `The API [${command}] does not exist or is not available for the account for user id [${caller.userUuid}].`;
        return reply(this.dispatcher.errorResult('errorresponse', new CloudError('UnsupportedAction', command ? text : 'Missing parameter: command'), caller, requestId), caller);
      }
      if (this.services.config.peek('enforce.post.requests.and.timestamps') === 'true' && !req.integration) {
        const readOnly = /^(list|get|query|find)/i.test(cmd.name);
        if (!readOnly && req.method !== 'POST') {
          return reply({ key: 'errorresponse', status: 400, body: { uuidList: [], errorcode: 400, errortext: 'This API call must be made with HTTP POST' } }, caller);
        }
      }
      const result = await this.dispatcher.dispatch(caller, cmd, lower, requestId);
      return reply(result, caller);
    } catch (err) {
      return reply(this.dispatcher.errorResult('errorresponse', err, null, requestId), null);
    }
  }

  private unauthorized(key: string): DispatchResult {
    return { key, status: 401, body: { uuidList: [], errorcode: 401, errortext: UNAUTHORIZED } };
  }

  /** API key + signature, or a session cookie with its session key; null when neither holds. */
  private async authenticate(original: Record<string, string>, lower: Record<string, string>, cookies: Record<string, string>): Promise<Caller | null> {
    const apiKey = lower['apikey'];
    const signature = lower['signature'];
    if (apiKey !== undefined && signature !== undefined) {
      if (!this.registry.get(lower['command'] ?? '')) return null;
      if (lower['signatureversion'] === '3') {
        const exp = lower['expires'] ? parseCloudDate(lower['expires']) : undefined;
        if (!exp || exp.getTime() < Date.now()) return null;
        if (this.services.config.peek('enforce.post.requests.and.timestamps') === 'true' && exp.getTime() > Date.now() + 15 * 60_000) return null;
      } else if (this.services.config.peek('enforce.post.requests.and.timestamps') === 'true') {
        return null;
      }
      const entry = await this.services.auth.byApiKey(apiKey);
      if (!entry) return null;
      return verifySignature(original, entry.secretKey, signature) ? entry.caller : null;
    }
    const sessionId = cookies['JSESSIONID'];
    if (!sessionId) return null;
    const where = this.services.config.peek('api.sessionkey.check.locations') ?? 'CookieAndParameter';
    const fromParam = lower['sessionkey'];
    const fromCookie = cookies['sessionkey'];
    let key: string | undefined;
    if (where === 'ParameterOnly') key = fromParam;
    else if (where === 'CookieOrParameter') key = fromParam ?? fromCookie;
    else if (fromParam !== undefined && fromParam === fromCookie) key = fromParam;
    const s = key === undefined ? null : await this.services.auth.bySession(sessionId, key);
    // A request that fails the session-key check ends the session (HttpUtils.validateSessionKey → invalidate).
    if (!s) await this.services.auth.dropSession(sessionId);
    return s?.caller ?? null;
  }

  private async login(req: ApiRequest, p: Record<string, string>, format: 'json' | 'xml', oldSession: string | undefined): Promise<ApiReply> {
    const key = 'loginresponse';
    if (req.method !== 'POST') {
      return this.render({ key, status: 405, body: { uuidList: [], errorcode: 405, errortext: 'Please use HTTP POST to authenticate using this API' } }, format, null);
    }
    const username = p['username'];
    const password = p['password'];
    if (!username || !password) {
      return this.render({ key, status: 431, body: { uuidList: [], errorcode: 431, errortext: 'Unable to execute API command login due to missing parameter username or password' } }, format, null);
    }
    try {
      let domainId: number | undefined;
      if (p['domainid']) {
        const id = /^\d+$/.test(p['domainid']) ? Number(p['domainid']) : await this.services.scoper.idOfDomainUuid(p['domainid']);
        if (id === undefined) throw new CloudError('PermissionDenied', `Failed to authenticate user ${username}; please provide valid credentials`);
        domainId = id;
      }
      // Any session the client still holds is invalidated first (ApiServlet: session.invalidate()).
      if (oldSession) await this.services.auth.dropSession(oldSession);
      const r = await this.services.auth.login(username, password, domainId !== undefined ? { id: domainId } : { path: normaliseDomainPath(p['domain'] ?? '/') });
      const u = r.user;
      const tz = u.timezone ?? undefined;
      const body: Wire = {
        username: u.username, userid: u.uuid, domainid: u.domain_uuid, timeout: r.timeoutSeconds, account: u.account_name,
        firstname: u.firstname, lastname: u.lastname, type: String(u.account_type), timezone: tz, timezoneoffset: tz ? timeZoneOffsetHours(tz) : undefined,
        registered: 'false', sessionkey: r.sessionKey, is2faenabled: 'false', is2faverified: 'true', issuerfor2fa: 'Nimbo',
        managementserverid: u.account_type === 1 ? this.services.msid : undefined,
      };
      const samesite = this.services.config.peek('api.sessionkey.cookie.samesite') ?? 'Lax';
      const cookies = [
        `JSESSIONID=${r.sessionId}; Path=/client; HttpOnly`,
        `sessionkey=${r.sessionKey}; Path=/client; HttpOnly${samesite === 'Null' ? '' : samesite === 'NoneAndSecure' ? '; SameSite=None; Secure' : `; SameSite=${samesite}`}`,
      ];
      return this.render({ key, status: 200, body }, format, null, { cookies });
    } catch (err) {
      const e = toErrorResponse(err, false);
      const status = e.status === 531 ? 531 : e.status;
      return this.render({ key, status, body: { uuidList: [], errorcode: status, errortext: e.body.errortext } }, format, null);
    }
  }

  private async logout(cookies: Record<string, string>, format: 'json' | 'xml'): Promise<ApiReply> {
    const sid = cookies['JSESSIONID'];
    if (sid) await this.services.auth.logout(sid);
    const clear = ['JSESSIONID=; Path=/client; Max-Age=0', 'sessionkey=; Path=/client; Max-Age=0'];
    return this.render({ key: 'logoutresponse', status: 200, body: { description: 'success' } }, format, null, { cookies: clear });
  }

  render(r: DispatchResult, format: 'json' | 'xml', caller: Caller | null, extra: Partial<ApiReply> = {}): ApiReply {
    const headers: Record<string, string> = { ...SECURITY_HEADERS };
    // Only command errors carry X-Description, not the servlet's own 400/401 answers (ApiServlet).
    if (r.status !== 200 && r.status !== 400 && r.status !== 401 && typeof r.body['errortext'] === 'string') {
      headers['X-Description'] = String(r.body['errortext']).replace(/[^\x20-\x7e]/g, ' ').slice(0, 1000);
    }
    if (format === 'json') {
      return { status: r.status, contentType: this.services.config.peek('json.content.type') ?? 'application/json; charset=UTF-8', body: toJson(r.key, r.body), headers, cookies: extra.cookies ?? [] };
    }
    const withVersion = !!caller && !caller.isSystem && this.services.config.peek('expose.cloudstack.version.api.xml.response') !== 'false';
    return { status: r.status, contentType: 'text/xml; charset=UTF-8', body: toXml(r.key, r.body, withVersion), headers, cookies: extra.cookies ?? [] };
  }
}
