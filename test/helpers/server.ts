/**
 * A real management server on a random loopback port over a fresh database, plus a signed
 * client for it. Use one per test file (or per dialect block) and `close()` it after.
 */
import { createApp, type App } from '../../src/app.js';
import type { DialectName } from '../../src/db/dialect.js';
import { callApi, waitForJob, type ApiAnswer, type ClientOptions } from '../../src/cli/api-client.js';
import { freshDatabase, type TestDatabase } from './databases.js';
import { until } from './until.js';

export interface TestServer {
  app: App;
  db: TestDatabase;
  endpoint: string;
  port: number;
  admin: ApiClient;
  /** Creates an account (optionally in a domain, of a type) with API keys and returns a client for its user. */
  newAccount(opts?: { domainid?: string; accounttype?: number; name?: string }): Promise<ApiClient & { accountId: string; userId: string; accountName: string }>;
  close(): Promise<void>;
}

export class ApiClient {
  constructor(readonly opts: ClientOptions) {}
  call(command: string, params: Record<string, string | number | boolean> = {}): Promise<ApiAnswer> {
    const p: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) p[k] = String(v);
    return callApi(command, p, this.opts);
  }
  /** Calls and asserts HTTP 200, returning the inner object. */
  async ok(command: string, params: Record<string, string | number | boolean> = {}): Promise<Record<string, any>> {
    const r = await this.call(command, params);
    if (r.status !== 200) throw new Error(`${command} failed with ${r.status}: ${JSON.stringify(r.inner)}`);
    return r.inner;
  }
  /** Calls an async command, waits for the job and returns the final job object. */
  async job(command: string, params: Record<string, string | number | boolean> = {}): Promise<Record<string, any>> {
    const r = await this.ok(command, params);
    if (typeof r['jobid'] !== 'string') throw new Error(`${command} returned no jobid: ${JSON.stringify(r)}`);
    return waitForJob(r['jobid'], this.opts, undefined, 50, 120_000);
  }
  /** Like `job` but asserts success and returns `jobresult`. */
  async jobOk(command: string, params: Record<string, string | number | boolean> = {}): Promise<Record<string, any>> {
    const j = await this.job(command, params);
    if (j['jobstatus'] !== 1) throw new Error(`${command} job failed: ${JSON.stringify(j['jobresult'])}`);
    return j['jobresult'];
  }
}

let counter = 0;

export async function startServer(dialect: DialectName, opts: { adminPassword?: string; demoZone?: boolean; options?: Record<string, string> } = {}): Promise<TestServer> {
  const db = await freshDatabase(dialect);
  const app = await createApp({ dataDir: db.dataDir, dbUrl: db.url, port: 0, host: '127.0.0.1', adminPassword: opts.adminPassword ?? 'password', logLevel: false,
    // Agent listener on a random port; the demo zone only for tests that ask for it.
    options: { agentPort: '0', agentHost: '127.0.0.1', demoZone: opts.demoZone ? 'true' : 'false', ...opts.options } });
  const { port } = await app.listen();
  const endpoint = `http://127.0.0.1:${port}/client/api`;
  const creds = app.firstStartCredentials!;
  const admin = new ApiClient({ endpoint, apiKey: creds.apikey, secretKey: creds.secretkey });
  return {
    app, db, endpoint, port, admin,
    async newAccount(o = {}) {
      const name = o.name ?? `user${++counter}${Date.now() % 100000}`;
      const params: Record<string, string | number> = { username: name, password: 'secret-pw', email: `${name}@example.com`, firstname: 'Test', lastname: 'User', accounttype: o.accounttype ?? 0 };
      if (o.domainid) params['domainid'] = o.domainid;
      const acct = (await admin.ok('createAccount', params))['account'];
      const userId = acct.user[0].id as string;
      const keys = (await admin.ok('registerUserKeys', { id: userId }))['userkeys'];
      const c = new ApiClient({ endpoint, apiKey: keys.apikey, secretKey: keys.secretkey }) as ApiClient & { accountId: string; userId: string; accountName: string };
      c.accountId = acct.id;
      c.userId = userId;
      c.accountName = name;
      return c;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** A server with the demo zone once its four simulated hosts are Up: its URL and the zone. */
export async function startDemoServer(dialect: DialectName): Promise<{ s: TestServer; base: string; zone: Record<string, any> }> {
  const s = await startServer(dialect, { demoZone: true });
  await until('four demo hosts Up', async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === 4, 60_000);
  return { s, base: `http://127.0.0.1:${s.port}`, zone: (await s.admin.ok('listZones'))['zone'][0] };
}
