/**
 * The UI's only way to the server: the public CloudStack query API at /client/api with
 * session authentication (the JSESSIONID cookie plus the session key as a parameter, as
 * CloudStack's own UI does). Unwraps envelopes, turns error envelopes into ApiError and
 * polls async jobs.
 */
export interface Session {
  sessionkey: string;
  username: string;
  userid: string;
  account: string;
  domainid: string;
  /** CloudStack account type: 1 root admin, 2 domain admin, 0 user. */
  type: string;
}

const SESSION_KEY = 'nimbo.session';

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  return raw ? (JSON.parse(raw) as Session) : null;
}

export function isAdmin(s: Session | null): boolean {
  return s?.type === '1' || s?.type === '2';
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

type Params = Record<string, string | number | boolean | undefined>;
type Listener = () => void;
const expiredListeners = new Set<Listener>();

/** Called when the server says the session is gone (401): the app goes back to login. */
export function onSessionExpired(l: Listener): () => void {
  expiredListeners.add(l);
  return () => expiredListeners.delete(l);
}

async function post(params: Params): Promise<{ status: number; inner: Record<string, any> }> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') body.set(k, String(v));
  body.set('response', 'json');
  const res = await fetch('/client/api', { method: 'POST', body, credentials: 'same-origin' });
  const json = (await res.json()) as Record<string, Record<string, any>>;
  const inner = Object.values(json)[0] ?? {};
  return { status: res.status, inner };
}

export async function login(username: string, password: string, domain: string): Promise<Session> {
  const { status, inner } = await post({ command: 'login', username, password, domain: domain || '/' });
  if (status !== 200) throw new ApiError(status, inner['errortext'] ?? 'Login failed');
  const s: Session = {
    sessionkey: inner['sessionkey'], username: inner['username'], userid: inner['userid'],
    account: inner['account'], domainid: inner['domainid'], type: String(inner['type']),
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  return s;
}

export async function logout(): Promise<void> {
  sessionStorage.removeItem(SESSION_KEY);
  await post({ command: 'logout' }).catch(() => undefined);
}

/** Calls a command and returns the inner response object; throws ApiError on an error envelope. */
export async function api(command: string, params: Params = {}): Promise<Record<string, any>> {
  const s = loadSession();
  const { status, inner } = await post({ ...params, command, sessionkey: s?.sessionkey });
  if (status === 401) {
    sessionStorage.removeItem(SESSION_KEY);
    for (const l of expiredListeners) l();
  }
  if (status !== 200 || inner['errorcode'] !== undefined) throw new ApiError(status, inner['errortext'] ?? `${command} failed (${status})`);
  return inner;
}

export interface JobProgress {
  (state: 'pending' | 'done', job: Record<string, any>): void;
}

/**
 * Calls an async command and waits for its job; resolves with `jobresult`, rejects with the
 * job's error text. `onProgress` sees every poll so a caller can show the job running.
 */
export async function runJob(command: string, params: Params = {}, onProgress?: JobProgress): Promise<Record<string, any>> {
  const started = await api(command, params);
  const jobid = started['jobid'] as string | undefined;
  if (!jobid) return started;
  for (let delay = 250; ; delay = Math.min(delay * 1.5, 2000)) {
    const job = await api('queryAsyncJobResult', { jobid });
    if (job['jobstatus'] === 0) {
      onProgress?.('pending', job);
      await new Promise((r) => setTimeout(r, delay));
      continue;
    }
    onProgress?.('done', job);
    if (job['jobstatus'] === 1) return job['jobresult'] ?? {};
    throw new ApiError(job['jobresultcode'] ?? 530, job['jobresult']?.['errortext'] ?? `${command} failed`);
  }
}

/** The list inside a list response (`listZones` → `zone`), whatever its key. */
export function itemsOf(inner: Record<string, any>): { items: Record<string, any>[]; count: number } {
  const key = Object.keys(inner).find((k) => Array.isArray(inner[k]));
  const items = key ? (inner[key] as Record<string, any>[]) : [];
  return { items, count: typeof inner['count'] === 'number' ? inner['count'] : items.length };
}
