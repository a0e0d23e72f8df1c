/**
 * Issue #2's "done means" with a real client: Debian's `cs` CLI (`/usr/bin/cloudstack`) and
 * the `cs` Python library, unmodified, against a test server with the admin's keys. The CLI
 * signs like every `cs` user does (signatureVersion=3 + expires, GET), the library also over
 * POST and with its list paging. Skipped with the reason where the packages are missing
 * (`apt-get install cs python3-cs`); CI installs them.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';

const CLI = '/usr/bin/cloudstack';
// Debian's interpreter: a python3 earlier in PATH may lack the cs package.
const PYTHON = '/usr/bin/python3';
const skip = !existsSync(CLI) || !existsSync('/usr/lib/python3/dist-packages/cs/client.py')
  ? 'the cs CLI and library are not installed (apt-get install cs python3-cs)'
  : false;

interface Run { code: number; stdout: string; stderr: string }

function run(file: string, args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs a Python snippet with the `cs` library bound to `cs` (the server and admin keys) and
 * returns what it printed as JSON.
 */
const PRELUDE = `
import json, os, sys
from cs import CloudStack, CloudStackApiException
cs = CloudStack(endpoint=os.environ['CLOUDSTACK_ENDPOINT'], key=os.environ['CLOUDSTACK_KEY'], secret=os.environ['CLOUDSTACK_SECRET'], poll_interval=0.2)
def refused(call):
    try:
        call()
    except CloudStackApiException as e:
        return {'status': e.response.status_code, 'error': e.error, 'contenttype': e.response.headers.get('content-type')}
    return {'status': 200}
`;

for (const dialect of dialectsUnderTest()) {
  describe(`Debian cs client against Nimbo (${dialect})`, { skip }, () => {
    let s: TestServer;
    let home: string;
    let env: Record<string, string>;
    const cs = (...args: string[]) => run(CLI, args, env, home);
    const csJson = async (...args: string[]) => {
      const r = await cs(...args);
      assert.equal(r.code, 0, `cloudstack ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return JSON.parse(r.stdout) as Record<string, any>;
    };
    const py = async (code: string) => {
      const r = await run(PYTHON, ['-c', PRELUDE + code], env, home);
      assert.equal(r.code, 0, `python exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, any>;
    };

    before(async () => {
      s = await startServer(dialect);
      // An empty HOME and working directory: no ~/.cloudstack.ini or ./cloudstack.ini can interfere.
      home = mkdtempSync(join(tmpdir(), 'nimbo-cs-'));
      env = {
        PATH: '/usr/bin:/bin', HOME: home,
        CLOUDSTACK_ENDPOINT: s.endpoint, CLOUDSTACK_KEY: s.admin.opts.apiKey!, CLOUDSTACK_SECRET: s.admin.opts.secretKey!,
        CLOUDSTACK_POLL_INTERVAL: '0.2',
      };
    });
    after(async () => {
      await s.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('listApis lists the registered commands with their parameters', async () => {
      const out = await csJson('listApis');
      assert.equal(out['count'], out['api'].length);
      const byName = new Map<string, any>(out['api'].map((a: any) => [a.name, a]));
      for (const name of ['listApis', 'listAccounts', 'createDomain', 'createAccount', 'deleteAccount', 'queryAsyncJobResult']) assert.ok(byName.has(name), name);
      assert.equal(byName.get('deleteAccount').isasync, true);
      const nameParam = byName.get('createDomain').params.find((p: any) => p.name === 'name');
      assert.equal(nameParam.required, true);
    });

    it('listAccounts shows the admin account with its user', async () => {
      const out = await csJson('listAccounts');
      assert.equal(out['count'], 1);
      const admin = out['account'][0];
      assert.equal(admin.name, 'admin');
      assert.equal(admin.accounttype, 1);
      assert.equal(admin.user[0].username, 'admin');
    });

    it('createDomain and createAccount in it; the account is listed there; deleteAccount is waited for', async () => {
      const domain = (await csJson('createDomain', 'name=cs-sales'))['domain'];
      assert.equal(domain.path, 'ROOT/cs-sales');
      const account = (await csJson('createAccount', 'username=cs-user', 'password=Secret-1', 'email=cs-user@example.com',
        'firstname=Cee', 'lastname=Ess', 'accounttype=0', `domainid=${domain.id}`))['account'];
      assert.equal(account.name, 'cs-user');
      assert.equal(account.domainid, domain.id);
      assert.equal(account.user[0].username, 'cs-user');
      const listed = await csJson('listAccounts', `domainid=${domain.id}`);
      assert.deepEqual(listed['account'].map((a: any) => a.id), [account.id]);
      // The CLI polls queryAsyncJobResult itself and prints the job result.
      const deleted = await csJson('deleteAccount', `id=${account.id}`);
      assert.equal(deleted['success'], true);
      // An empty list is `{}`, which the CLI prints as nothing at all.
      const after = await cs('listAccounts', `domainid=${domain.id}`);
      assert.equal(after.code, 0, after.stderr);
      assert.equal(after.stdout.trim(), '');
    });

    it('keyword searches treat _ and % literally (a SQLite LIKE bug found with this client)', async () => {
      await csJson('createDomain', 'name=ops_eu');
      await csJson('createDomain', 'name=opsxeu');
      const found = await csJson('listDomains', 'listall=true', 'keyword=ops_eu');
      assert.deepEqual(found['domain'].map((d: any) => d.name), ['ops_eu']);
    });

    it('accepts values with spaces, brackets, tildes and non-ASCII letters, signed as cs signs them', async () => {
      const name = 'Dept ~ [x] & ü+é *';
      assert.equal((await csJson('createDomain', `name=${name}`))['domain'].name, name);
      assert.equal((await csJson('--post', 'createDomain', `name=${name} 2`))['domain'].name, `${name} 2`);
    });

    it('a wrong signature gets HTTP 401 with an error envelope', async () => {
      const r = await run(CLI, ['listAccounts'], { ...env, CLOUDSTACK_SECRET: 'not-the-secret' }, home);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /HTTP 401 response/);
      const body = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(body), ['listaccountsresponse']);
      assert.equal(body.listaccountsresponse.errorcode, 401);
      assert.equal(typeof body.listaccountsresponse.errortext, 'string');

      // Raw HTTP too: a signed request whose signature was altered in transit.
      const good = new URL(`${s.endpoint}?command=listAccounts&response=json&apiKey=${encodeURIComponent(s.admin.opts.apiKey!)}&signature=${encodeURIComponent('AAAAAAAAAAAAAAAAAAAAAAAAAAA=')}`);
      const res = await fetch(good);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const raw = (await res.json()) as Record<string, any>;
      assert.equal(raw['listaccountsresponse'].errorcode, 401);
    });

    it('the cs library: default signatureVersion=3 with expires, POST, paging, and an expired request refused', async () => {
      const out = await py(`
ok = cs.listAccounts()
post = CloudStack(endpoint=cs.endpoint, key=cs.key, secret=cs.secret, method='post').listDomains(listall=True)
paged = cs.listAccounts(fetch_list=True, listall=True)
expired = refused(lambda: cs.listAccounts(expires='2020-01-01T00:00:00+0000', signatureVersion='3'))
bad_date = refused(lambda: cs.listAccounts(expires='yesterday', signatureVersion='3'))
unsigned_v3 = CloudStack(endpoint=cs.endpoint, key=cs.key, secret=cs.secret, expiration=-1).listAccounts()
print(json.dumps({'ok': ok, 'post': post, 'paged': paged, 'expired': expired, 'bad_date': bad_date, 'plain': unsigned_v3}))
`);
      assert.equal(out['ok'].account[0].name, 'admin');
      assert.ok(out['post'].domain.some((d: any) => d.name === 'ROOT'));
      assert.ok(Array.isArray(out['paged']) && out['paged'].some((a: any) => a.name === 'admin'));
      for (const refusedCall of [out['expired'], out['bad_date']]) {
        assert.equal(refusedCall.status, 401);
        assert.equal(refusedCall.error.errorcode, 401);
        assert.match(refusedCall.contenttype, /^application\/json/);
      }
      // expiration=-1: the library signs without signatureVersion/expires, as libcloud does.
      assert.equal(out['plain'].account[0].name, 'admin');
    });

    it('the cs library sees a failed async job as a job failure with errortext', async () => {
      const out = await py(`
acct = cs.listAccounts(name='admin')['account'][0]
try:
    cs.deleteAccount(id=acct['id'], fetch_result=True)
    print(json.dumps({'failed': False}))
except CloudStackApiException as e:
    print(json.dumps({'failed': True, 'message': e.args[0], 'error': e.error}))
`);
      // Either refused at once (an account cannot delete itself) or as a failed job: both carry errortext.
      assert.equal(out['failed'], true);
      assert.equal(typeof out['error'].errortext, 'string');
    });
  });
}
