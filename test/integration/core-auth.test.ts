/** Authentication on /client/api: signatures v2/v3, sessions, refused users, the integration port. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createApp } from '../../src/app.js';
import { sign } from '../../src/api/signature.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { ApiClient, startServer, type TestServer } from '../helpers/server.js';
import { raw, cookieValue, cloudDate } from '../helpers/http.js';

const UNAUTH = 'unable to verify user credentials and/or request signature';

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

for (const dialect of dialectsUnderTest()) {
  describe(`authentication (${dialect})`, () => {
    let s: TestServer;
    let keys: { apiKey: string; secretKey: string };
    before(async () => {
      s = await startServer(dialect);
      keys = { apiKey: s.admin.opts.apiKey!, secretKey: s.admin.opts.secretKey! };
    });
    after(async () => {
      await s.close();
    });

    it('accepts a v2 signature over the parameters as sent (mixed-case names, GET and POST form)', async () => {
      const r = await raw(s.endpoint, { command: 'listAccounts', response: 'json', listAll: 'True' }, { keys });
      assert.equal(r.status, 200);
      assert.equal(r.key, 'listaccountsresponse');
      assert.equal(r.inner['account'][0].name, 'admin');
      const post = await raw(s.endpoint, { command: 'listAccounts', response: 'json' }, { keys, form: true });
      assert.equal(post.status, 200);
      assert.equal(post.inner['count'], 1);
    });

    it('matches command and parameter names case-insensitively', async () => {
      const r = await raw(s.endpoint, { COMMAND: 'LISTDOMAINS', Response: 'json', NAME: 'ROOT' }, { keys });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.key, 'listdomainsresponse');
      assert.equal(r.inner['domain'][0].name, 'ROOT');
    });

    it('accepts signatureversion=3 with a future expires and refuses an expired one with 401', async () => {
      const future = await raw(s.endpoint, { command: 'listAccounts', response: 'json', signatureVersion: '3', expires: cloudDate(new Date(Date.now() + 600_000)) }, { keys });
      assert.equal(future.status, 200);
      const past = await raw(s.endpoint, { command: 'listAccounts', response: 'json', signatureVersion: '3', expires: cloudDate(new Date(Date.now() - 1000)) }, { keys });
      assert.equal(past.status, 401);
      assert.deepEqual(past.json, { listaccountsresponse: { uuidList: [], errorcode: 401, errortext: UNAUTH } });
      const missing = await raw(s.endpoint, { command: 'listAccounts', response: 'json', signatureVersion: '3' }, { keys });
      assert.equal(missing.status, 401);
      const garbage = await raw(s.endpoint, { command: 'listAccounts', response: 'json', signatureVersion: '3', expires: 'tomorrow' }, { keys });
      assert.equal(garbage.status, 401);
    });

    it('refuses a wrong signature with 401 and the error envelope in JSON and XML', async () => {
      const p = { command: 'listAccounts', response: 'json', apiKey: keys.apiKey };
      const bad = { ...p, signature: sign(p, keys.secretKey + 'x') };
      const j = await raw(s.endpoint, bad);
      assert.equal(j.status, 401);
      assert.match(j.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(j.json, { listaccountsresponse: { uuidList: [], errorcode: 401, errortext: UNAUTH } });
      assert.equal(j.headers.get('x-description'), null, 'the servlet\'s own 401 has no X-Description');
      const xp = { command: 'listAccounts', apiKey: keys.apiKey };
      const x = await raw(s.endpoint, { ...xp, signature: 'AAAA' });
      assert.equal(x.status, 401);
      assert.match(x.headers.get('content-type') ?? '', /^text\/xml/);
      assert.equal(x.text, `<?xml version="1.0" encoding="UTF-8"?><listaccountsresponse><errorcode>401</errorcode><errortext>${UNAUTH}</errortext></listaccountsresponse>`);
      const unknownKey = await raw(s.endpoint, { command: 'listAccounts', response: 'json' }, { keys: { apiKey: 'nope', secretKey: 'x' } });
      assert.equal(unknownKey.status, 401);
      // Case does not matter to the signature (the whole string is lower-cased), values do.
      const recased = { ...p, signature: sign(p, keys.secretKey), response: 'JSON' };
      assert.equal((await raw(s.endpoint, recased)).status, 200);
      const tampered = { ...p, signature: sign(p, keys.secretKey), listall: 'true' };
      assert.equal((await raw(s.endpoint, tampered)).status, 401);
    });

    it('answers a signed unknown command with 401 under errorresponse', async () => {
      const r = await raw(s.endpoint, { command: 'noSuchCommand', response: 'json' }, { keys });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { errorresponse: { uuidList: [], errorcode: 401, errortext: UNAUTH } });
    });

    it('refuses requests without credentials', async () => {
      const r = await raw(s.endpoint, { command: 'listAccounts', response: 'json' });
      assert.equal(r.status, 401);
      assert.equal(r.inner['errortext'], UNAUTH);
    });

    it('refuses disabled and locked users and users of a disabled account, and accepts them again once enabled', async () => {
      const u = await s.newAccount();
      assert.equal((await u.call('listAccounts')).status, 200);
      await s.admin.jobOk('disableUser', { id: u.userId });
      assert.equal((await u.call('listAccounts')).status, 401);
      await s.admin.ok('enableUser', { id: u.userId });
      assert.equal((await u.call('listAccounts')).status, 200);
      await s.admin.ok('lockUser', { id: u.userId });
      assert.equal((await u.call('listAccounts')).status, 401);
      await s.admin.ok('enableUser', { id: u.userId });
      const j = await s.admin.job('disableAccount', { id: u.accountId, lock: false });
      assert.equal(j['jobstatus'], 1, JSON.stringify(j));
      assert.equal((await u.call('listAccounts')).status, 401);
      await s.admin.ok('enableAccount', { id: u.accountId });
      assert.equal((await u.call('listAccounts')).status, 200);
    });

    const farmOnly = dialect === 'sqlite' ? 'SQLite serves a single management server (services/farm/sqlite-lock.ts)' : false;
    it('a second server on the same database refuses at once a key whose user or account was disabled, locked, deleted or re-keyed through the first', { skip: farmOnly }, async () => {
      const other = await createApp({ dataDir: s.db.dataDir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort: '0', agentHost: '127.0.0.1', demoZone: 'false' } });
      try {
        const endpoint = `http://127.0.0.1:${(await other.listen()).port}/client/api`;
        const u = await s.newAccount();
        const via = (keys: { apiKey: string; secretKey: string }) => new ApiClient({ endpoint, ...keys });
        const b = via({ apiKey: u.opts.apiKey!, secretKey: u.opts.secretKey! });
        // Every step first calls the second server, so a cache there would hold the key.
        const status = async (c: ApiClient) => (await c.call('listAccounts')).status;
        assert.equal(await status(b), 200);
        await s.admin.jobOk('disableUser', { id: u.userId });
        assert.equal(await status(b), 401, 'disabled user');
        await s.admin.ok('enableUser', { id: u.userId });
        assert.equal(await status(b), 200);
        await s.admin.ok('lockUser', { id: u.userId });
        assert.equal(await status(b), 401, 'locked user');
        await s.admin.ok('enableUser', { id: u.userId });
        assert.equal(await status(b), 200);
        await s.admin.jobOk('disableAccount', { id: u.accountId, lock: false });
        assert.equal(await status(b), 401, 'disabled account');
        await s.admin.ok('enableAccount', { id: u.accountId });
        assert.equal(await status(b), 200);
        const fresh = (await s.admin.ok('registerUserKeys', { id: u.userId }))['userkeys'];
        assert.equal(await status(b), 401, 'regenerated keys: the old pair');
        const b2 = via({ apiKey: fresh.apikey, secretKey: fresh.secretkey });
        assert.equal(await status(b2), 200);
        // An account's only user cannot be deleted: a second one, with keys, is.
        const root = (await s.admin.ok('listDomains', { name: 'ROOT' }))['domain'][0].id;
        const second = (await s.admin.ok('createUser', { account: u.accountName, domainid: root, username: `${u.accountName}-2`, password: 'pw', email: 'e@x.org', firstname: 'E', lastname: 'X' }))['user'];
        const k2 = (await s.admin.ok('registerUserKeys', { id: second.id }))['userkeys'];
        const b3 = via({ apiKey: k2.apikey, secretKey: k2.secretkey });
        assert.equal(await status(b3), 200);
        await s.admin.ok('deleteUser', { id: second.id });
        assert.equal(await status(b3), 401, 'deleted user');
      } finally {
        await other.close();
      }
    });

    it('refuses API keys in a domain where api.key.access is false', async () => {
      const d = (await s.admin.ok('createDomain', { name: 'nokeys' }))['domain'];
      const u = await s.newAccount({ domainid: d.id });
      assert.equal((await u.call('listAccounts')).status, 200);
      await s.admin.ok('updateConfiguration', { name: 'api.key.access', value: 'false', domainid: d.id });
      assert.equal((await u.call('listAccounts')).status, 401);
      assert.equal((await s.admin.call('listAccounts')).status, 200, 'other domains keep key access');
      await s.admin.ok('updateConfiguration', { name: 'api.key.access', value: 'true', domainid: d.id });
      assert.equal((await u.call('listAccounts')).status, 200);
    });

    describe('session login', () => {
      it('must be POSTed (405 on GET)', async () => {
        const r = await raw(s.endpoint, { command: 'login', username: 'admin', password: 'password', response: 'json' });
        assert.equal(r.status, 405);
        assert.equal(r.inner['errorcode'], 405);
        assert.equal(r.inner['errortext'], 'Please use HTTP POST to authenticate using this API');
      });

      it('answers a bad password with 531 and CloudStack\'s body', async () => {
        const r = await raw(s.endpoint, { command: 'login', username: 'admin', password: 'wrong', response: 'json' }, { form: true });
        assert.equal(r.status, 531);
        assert.deepEqual(r.json, { loginresponse: { uuidList: [], errorcode: 531, errortext: 'Failed to authenticate user admin in domain /; please provide valid credentials' } });
        assert.deepEqual(r.cookies, []);
      });

      it('sets JSESSIONID and sessionkey cookies; calls need both the cookie and the sessionkey parameter; logout ends it', async () => {
        const r = await raw(s.endpoint, { command: 'login', username: 'admin', password: 'password', domain: '/', response: 'json' }, { form: true });
        assert.equal(r.status, 200, r.text);
        const body = r.inner;
        assert.equal(body['username'], 'admin');
        assert.equal(body['account'], 'admin');
        assert.equal(body['type'], '1');
        assert.equal(body['timeout'], 1800);
        assert.equal(body['registered'], 'false');
        assert.match(body['sessionkey'], /^[A-Za-z0-9_-]{27}$/);
        const sid = cookieValue(r.cookies, 'JSESSIONID');
        const skey = cookieValue(r.cookies, 'sessionkey');
        assert.ok(sid);
        assert.equal(skey, body['sessionkey']);
        assert.ok(r.cookies.some((c) => /^sessionkey=.*HttpOnly/i.test(c) && /SameSite=Lax/.test(c)));
        const cookie = `JSESSIONID=${sid}; sessionkey=${skey}`;

        const ok = await raw(s.endpoint, { command: 'listAccounts', response: 'json', sessionkey: skey! }, { cookie });
        assert.equal(ok.status, 200);
        assert.equal(ok.inner['account'][0].name, 'admin');
        const noCookie = await raw(s.endpoint, { command: 'listAccounts', response: 'json', sessionkey: skey! });
        assert.equal(noCookie.status, 401);

        // Logging in again with the old cookie replaces that session.
        const again = await raw(s.endpoint, { command: 'login', username: 'admin', password: 'password', response: 'json' }, { form: true, cookie });
        assert.equal(again.status, 200);
        const replaced = await raw(s.endpoint, { command: 'listAccounts', response: 'json', sessionkey: skey! }, { cookie });
        assert.equal(replaced.status, 401, 'the old session ends with a new login');
        const sid2 = cookieValue(again.cookies, 'JSESSIONID');
        const key2 = again.inner['sessionkey'];
        const cookie2 = `JSESSIONID=${sid2}; sessionkey=${key2}`;
        assert.equal((await raw(s.endpoint, { command: 'listAccounts', response: 'json', sessionkey: key2 }, { cookie: cookie2 })).status, 200);
        const out = await raw(s.endpoint, { command: 'logout', response: 'json', sessionkey: key2 }, { cookie: cookie2 });
        assert.equal(out.status, 200);
        assert.deepEqual(out.json, { logoutresponse: { description: 'success' } });
        assert.ok(out.cookies.some((c) => /^JSESSIONID=;/.test(c) && /Max-Age=0/.test(c)));
        const after = await raw(s.endpoint, { command: 'listAccounts', response: 'json', sessionkey: key2 }, { cookie: cookie2 });
        assert.equal(after.status, 401);
      });

      it('a call without the session key, or with a wrong one, is refused and ends the session', async () => {
        for (const bad of [{}, { sessionkey: 'wrong' }]) {
          const r = await raw(s.endpoint, { command: 'login', username: 'admin', password: 'password', response: 'json' }, { form: true });
          const key = r.inner['sessionkey'];
          const cookie = `JSESSIONID=${cookieValue(r.cookies, 'JSESSIONID')}; sessionkey=${key}`;
          const refused = await raw(s.endpoint, { command: 'listAccounts', response: 'json', ...bad }, { cookie });
          assert.equal(refused.status, 401);
          assert.equal(refused.inner['errortext'], UNAUTH);
          const afterwards = await raw(s.endpoint, { command: 'listAccounts', response: 'json', sessionkey: key }, { cookie });
          assert.equal(afterwards.status, 401, 'the session was invalidated');
        }
      });

      it('logs users into their domain by path and refuses a disabled user', async () => {
        const d = (await s.admin.ok('createDomain', { name: 'loginland' }))['domain'];
        const u = await s.newAccount({ domainid: d.id, name: 'loginuser' });
        const wrongDomain = await raw(s.endpoint, { command: 'login', username: 'loginuser', password: 'secret-pw', response: 'json' }, { form: true });
        assert.equal(wrongDomain.status, 531);
        await s.admin.ok('updateUser', { id: u.userId, timezone: 'Asia/Kolkata' });
        const r = await raw(s.endpoint, { command: 'login', username: 'loginuser', password: 'secret-pw', domain: 'loginland', response: 'json' }, { form: true });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.inner['type'], '0');
        assert.equal(r.inner['domainid'], d.id);
        assert.equal(r.inner['timezone'], 'Asia/Kolkata');
        assert.equal(r.inner['timezoneoffset'], '5.5');
        assert.equal(r.inner['managementserverid'], undefined, 'only root admins see the management server id');
        for (const [k, v] of Object.entries(r.inner)) if (k !== 'timeout') assert.equal(typeof v, 'string', `${k} is a string, as CloudStack sends it`);
        const byId = await raw(s.endpoint, { command: 'login', username: 'loginuser', password: 'secret-pw', domainId: d.id, response: 'json' }, { form: true });
        assert.equal(byId.status, 200, byId.text);
        await s.admin.jobOk('disableUser', { id: u.userId });
        const refused = await raw(s.endpoint, { command: 'login', username: 'loginuser', password: 'secret-pw', domain: '/loginland/', response: 'json' }, { form: true });
        assert.equal(refused.status, 531);
      });
    });
  });

  describe(`integration port (${dialect})`, () => {
    it('serves any path without credentials as SYSTEM on loopback only when integration.api.port is set', async () => {
      const s = await startServer(dialect);
      const port = await freePort();
      try {
        const set = await s.admin.ok('updateConfiguration', { name: 'integration.api.port', value: port });
        assert.equal(set['configuration'].value, String(port));
      } finally {
        await s.app.close();
      }
      const app = await createApp({ dataDir: s.db.dataDir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false });
      try {
        await app.listen();
        const base = `http://127.0.0.1:${port}`;
        const r = await raw(`${base}/any/path/at/all`, { command: 'listAccounts', response: 'json', listall: 'true' });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.inner['account'][0].name, 'admin', r.text);
        const d = await raw(`${base}/`, { command: 'createDomain', name: 'fromintegration', response: 'json' });
        assert.equal(d.status, 200, d.text);
        assert.equal(d.inner['domain'].path, 'ROOT/fromintegration');
        const ev = await raw(`${base}/`, { command: 'listEvents', type: 'DOMAIN.CREATE', listall: 'true', response: 'json' });
        assert.equal(ev.inner['event'][0].account, 'system');
        const x = await raw(`${base}/client/api`, { command: 'listDomains', name: 'fromintegration' });
        assert.match(x.headers.get('content-type') ?? '', /^text\/xml$/);
        assert.ok(x.text.startsWith('<?xml version="1.0" encoding="UTF-8"?><listdomainsresponse>'), x.text);
        // The public port still demands credentials.
        const pub = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}/client/api`;
        assert.equal((await raw(pub, { command: 'listAccounts', response: 'json' })).status, 401);
        // Loopback only.
        const addr = await new Promise<string>((res) => {
          const sock = createServer();
          sock.once('error', () => res('in use'));
          sock.listen(port, '0.0.0.0', () => sock.close(() => res('free')));
        });
        assert.notEqual(addr, 'free', 'the integration port should be bound');
      } finally {
        await app.close();
        await s.db.drop();
      }
    });

    it('is off by default', async () => {
      const s = await startServer(dialect);
      try {
        const v = await s.admin.ok('listConfigurations', { name: 'integration.api.port' });
        assert.equal(v['configuration'][0].value, '0');
      } finally {
        await s.close();
      }
    });
  });
}
