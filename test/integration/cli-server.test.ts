/**
 * The `npm start` contract with the real executable: `nimbo server` on a fresh data
 * directory prints how to log in and writes `admin-credentials.json` (0600); `nimbo api`
 * then works from that directory with no keys given; a restart keeps the keys, says where
 * they are and updates the file's endpoint when the port changed; SIGTERM stops the server cleanly.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest, freshDatabase, type TestDatabase } from '../helpers/databases.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

interface Server { child: ChildProcess; stdout: string; url: string; exited: Promise<number | null> }

/** Starts `nimbo server` and resolves once it has printed its ready banner. */
function startServer(env: Record<string, string>, cwd: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'server'], { cwd, env: { PATH: process.env['PATH'] ?? '', NIMBO_HOST: '127.0.0.1', NIMBO_PORT: '0', NIMBO_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const timer = setTimeout(() => reject(new Error(`server not ready after 30 s:\n${stdout}${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /API:\s+(\S+)[\s\S]*Try:/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ child, stdout, url: m[1]!, exited });
      }
    });
    child.stderr!.on('data', (d) => (stderr += d));
    void exited.then((code) => reject(new Error(`server exited with ${code} before it was ready:\n${stdout}${stderr}`)));
  });
}

async function stop(s: Server): Promise<number | null> {
  s.child.kill('SIGTERM');
  return s.exited;
}

function nimboApi(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'api', ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

for (const dialect of dialectsUnderTest()) {
  describe(`nimbo server, first start and restart (${dialect})`, () => {
    let db: TestDatabase;
    let dataDir: string;
    let env: Record<string, string>;
    before(async () => {
      db = await freshDatabase(dialect);
      // The default layout of a clone: ./data below the working directory.
      dataDir = join(db.dataDir, 'data');
      mkdirSync(dataDir);
      env = db.url ? { NIMBO_DB_URL: db.url } : {};
    });
    after(async () => {
      await db.drop();
    });

    it('prints the login, writes the credentials file, and nimbo api uses it; a restart keeps the keys', async () => {
      const first = await startServer(env, db.dataDir);
      let creds: Record<string, string>;
      try {
        const file = join(dataDir, 'admin-credentials.json');
        const password = /Log in as admin \/ (\S+) \(domain ROOT\)/.exec(first.stdout)?.[1];
        assert.ok(password, first.stdout);
        assert.match(first.stdout, new RegExp(`API key and secret key written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        assert.equal(statSync(file).mode & 0o777, 0o600);
        creds = JSON.parse(readFileSync(file, 'utf8'));
        assert.deepEqual(Object.keys(creds).sort(), ['apikey', 'endpoint', 'password', 'secretkey', 'username']);
        assert.equal(creds['username'], 'admin');
        assert.equal(creds['password'], password);
        assert.equal(creds['endpoint'], first.url);

        // The printed password logs in.
        const login = await fetch(first.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `command=login&response=json&username=admin&password=${encodeURIComponent(password)}&domain=%2F` });
        assert.equal(login.status, 200);
        assert.equal(typeof ((await login.json()) as any).loginresponse.sessionkey, 'string');

        // `nimbo api` in the directory holding ./data needs no keys or endpoint.
        const r = await nimboApi(['listAccounts', '--json'], db.dataDir);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).account[0].name, 'admin');
        const table = await nimboApi(['listDomains'], db.dataDir, { NIMBO_DATA_DIR: dataDir });
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /ROOT/);
      } finally {
        assert.equal(await stop(first), 0);
      }

      const second = await startServer(env, db.dataDir);
      try {
        assert.doesNotMatch(second.stdout, /Log in as admin/);
        assert.match(second.stdout, /Admin credentials: .*admin-credentials\.json/);
        // Same keys; the endpoint follows the new (random) port so `nimbo api` still finds the server.
        const file = join(dataDir, 'admin-credentials.json');
        assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { ...creds, endpoint: second.url });
        assert.equal(statSync(file).mode & 0o777, 0o600);
        const r = await nimboApi(['listAccounts', '--json'], db.dataDir);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).count, 1);
      } finally {
        assert.equal(await stop(second), 0);
      }
    });
  });
}
