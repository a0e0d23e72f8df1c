/** `nimbo api`: signs and sends commands, prints JSON or tables, waits for jobs, fails on errors. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

function nimbo(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', NIMBO_DATA_DIR: '/nonexistent', ...env } }, (err, stdout, stderr) => {
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

// The CLI does not touch the database, so one dialect is enough.
for (const dialect of dialectsUnderTest().slice(0, 1)) {
  describe(`nimbo api (${dialect})`, () => {
    let s: TestServer;
    let flags: string[];
    before(async () => {
      s = await startServer(dialect);
      flags = ['--endpoint', s.endpoint, '--apikey', s.admin.opts.apiKey!, '--secretkey', s.admin.opts.secretKey!];
    });
    after(async () => {
      await s.close();
    });

    it('prints the inner object as JSON', async () => {
      const r = await nimbo(['api', 'listAccounts', 'listall=true', '--json', ...flags]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.count, 1);
      assert.equal(out.account[0].name, 'admin');
    });

    it('prints a table by default and reads keys from the environment', async () => {
      const r = await nimbo(['api', 'listDomains'], { NIMBO_ENDPOINT: s.endpoint, NIMBO_API_KEY: s.admin.opts.apiKey!, NIMBO_SECRET_KEY: s.admin.opts.secretKey! });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ROOT/);
    });

    it('waits for async jobs and prints their result', async () => {
      const u = await s.newAccount();
      const r = await nimbo(['api', 'disableAccount', `id=${u.accountId}`, 'lock=false', '--json', '--post', ...flags]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).account.state, 'disabled');
    });

    it('exits 1 with the error code and text on a refused call, 2 without keys', async () => {
      const r = await nimbo(['api', 'createDomain', ...flags]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error 431: Unable to execute API command createdomain due to missing parameter name/);
      const bad = await nimbo(['api', 'listAccounts', '--endpoint', s.endpoint, '--apikey', 'x', '--secretkey', 'y']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /error 401/);
      const none = await nimbo(['api', 'listAccounts', '--endpoint', s.endpoint]);
      assert.equal(none.code, 2);
    });
  });
}
