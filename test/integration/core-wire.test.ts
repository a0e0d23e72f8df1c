/** What goes over the wire: formats, headers, parameter handling and the errors of each. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CLOUDSTACK_VERSION } from '../../src/api/envelope.js';
import { sign } from '../../src/api/signature.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { raw, cookieValue } from '../helpers/http.js';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

for (const dialect of dialectsUnderTest()) {
  describe(`wire format (${dialect})`, () => {
    let s: TestServer;
    let keys: { apiKey: string; secretKey: string };
    before(async () => {
      s = await startServer(dialect);
      keys = { apiKey: s.admin.opts.apiKey!, secretKey: s.admin.opts.secretKey! };
    });
    after(async () => {
      await s.close();
    });

    it('answers XML by default with the cloud-stack-version attribute, JSON on response=json', async () => {
      const x = await raw(s.endpoint, { command: 'listDomains', name: 'ROOT' }, { keys });
      assert.equal(x.status, 200);
      assert.equal(x.headers.get('content-type'), 'text/xml; charset=UTF-8');
      assert.ok(x.text.startsWith(`${HEAD}<listdomainsresponse cloud-stack-version="${CLOUDSTACK_VERSION}"><count>1</count><domain><id>`), x.text);
      const j = await raw(s.endpoint, { command: 'listDomains', name: 'ROOT', response: 'JSON' }, { keys });
      assert.equal(j.headers.get('content-type'), 'application/json; charset=UTF-8');
      assert.equal(j.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Object.keys(j.json!), ['listdomainsresponse']);
      assert.equal(j.inner['count'], 1);
      const empty = await raw(s.endpoint, { command: 'listDomains', name: 'nothing-here', response: 'json' }, { keys });
      assert.equal(empty.text, '{"listdomainsresponse":{}}');
      const emptyXml = await raw(s.endpoint, { command: 'listDomains', name: 'nothing-here' }, { keys });
      assert.equal(emptyXml.text, `${HEAD}<listdomainsresponse cloud-stack-version="${CLOUDSTACK_VERSION}"></listdomainsresponse>`);
    });

    it('errors carry the status, the envelope under the command key and X-Description', async () => {
      const r = await raw(s.endpoint, { command: 'createDomain', response: 'json' }, { keys });
      assert.equal(r.status, 431);
      assert.deepEqual(r.json, { createdomainresponse: { uuidList: [], errorcode: 431, cserrorcode: 9999, errortext: 'Unable to execute API command createdomain due to missing parameter name' } });
      assert.equal(r.headers.get('x-description'), 'Unable to execute API command createdomain due to missing parameter name');
      const x = await raw(s.endpoint, { command: 'createDomain' }, { keys });
      assert.equal(x.text, `${HEAD}<createdomainresponse cloud-stack-version="${CLOUDSTACK_VERSION}"><errorcode>431</errorcode><cserrorcode>9999</cserrorcode><errortext>Unable to execute API command createdomain due to missing parameter name</errortext></createdomainresponse>`);
    });

    it('ignores unknown parameters and the literal None, reads True/False booleans', async () => {
      const r = await raw(s.endpoint, { command: 'listAccounts', response: 'json', vpc_id: 'None', listall: 'True', isrecursive: 'None', domainid: 'None' }, { keys });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.inner['account'][0].name, 'admin');
    });

    it('refuses control characters and over-long values with 431 and changes nothing', async () => {
      const tab = await raw(s.endpoint, { command: 'createDomain', name: 'a\tb', response: 'json' }, { keys });
      assert.equal(tab.status, 431);
      assert.equal(tab.inner['errortext'], 'Received value containing illegal ASCII non-printable characters for parameter name');
      const long = await raw(s.endpoint, { command: 'createDomain', name: 'x'.repeat(256), response: 'json' }, { keys });
      assert.equal(long.status, 431);
      assert.equal(long.inner['errortext'], 'Value greater than max allowed length 255 for param: name');
      const domains = await s.admin.ok('listDomains', { listall: true });
      assert.equal(domains['count'], 1);
    });

    it('reports an unknown but well-formed UUID as the 431 go-cloudstack understands', async () => {
      const id = '6a1b2c3d-0000-4000-8000-000000000001';
      const r = await raw(s.endpoint, { command: 'listAccounts', id, response: 'json' }, { keys });
      assert.equal(r.status, 431);
      assert.equal(r.inner['errortext'], `Unable to execute API command listaccounts due to invalid value. Invalid parameter id value=${id} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`);
    });

    it('sync deletes answer success as the string "true"; booleans and numbers stay typed', async () => {
      const u = await s.newAccount();
      const extra = (await s.admin.ok('createUser', { account: u.accountName, domainid: (await s.admin.ok('listDomains', { name: 'ROOT' }))['domain'][0].id, username: 'extra', password: 'pw', email: 'e@x.org', firstname: 'E', lastname: 'X' }))['user'];
      const del = await raw(s.endpoint, { command: 'deleteUser', id: extra.id, response: 'json' }, { keys });
      assert.equal(del.text, '{"deleteuserresponse":{"success":"true"}}');
      const a = (await s.admin.ok('listAccounts', { id: u.accountId }))['account'][0];
      assert.equal(typeof a.accounttype, 'number');
      assert.equal(typeof a.isdefault, 'boolean');
      assert.equal(typeof (await s.admin.ok('listAccounts', { listall: true }))['count'], 'number');
    });

    it('uses the last of repeated query parameters and the first of repeated form fields', async () => {
      const base = { command: 'listDomains', response: 'json', apiKey: keys.apiKey };
      const q = `command=listDomains&response=json&apiKey=${encodeURIComponent(keys.apiKey)}&name=first&name=ROOT`;
      const sig = sign({ ...base, name: 'ROOT' }, keys.secretKey);
      const r = await fetch(`${s.endpoint}?${q}&signature=${encodeURIComponent(sig)}`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as any).listdomainsresponse.domain[0].name, 'ROOT');
      const f = await fetch(s.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${q.replace('name=first&name=ROOT', 'name=ROOT&name=first')}&signature=${encodeURIComponent(sig)}` });
      assert.equal(f.status, 200);
    });

    it('answers unknown commands of a session caller with 432', async () => {
      const login = await raw(s.endpoint, { command: 'login', username: 'admin', password: 'password', response: 'json' }, { form: true });
      const sid = cookieValue(login.cookies, 'JSESSIONID');
      const key = login.inner['sessionkey'];
      const cookie = `JSESSIONID=${sid}; sessionkey=${key}`;
      const r = await raw(s.endpoint, { command: 'frobnicate', response: 'json', sessionkey: key }, { cookie });
      assert.equal(r.status, 432);
      assert.deepEqual(r.json, { errorresponse: { uuidList: [], errorcode: 432, cserrorcode: 4555, errortext: 'Unknown API command: frobnicate' } });
    });

    it('with enforce.post.requests.and.timestamps, state changes need POST and v3 signatures', async () => {
      await s.admin.ok('updateConfiguration', { name: 'enforce.post.requests.and.timestamps', value: 'true' });
      try {
        const v2 = await raw(s.endpoint, { command: 'listDomains', response: 'json' }, { keys });
        assert.equal(v2.status, 401);
        const v3 = { ...s.admin.opts, expiresIn: 300 };
        const { callApi } = await import('../../src/cli/api-client.js');
        assert.equal((await callApi('listDomains', {}, v3)).status, 200);
        const get = await callApi('createDomain', { name: 'viaget' }, v3);
        assert.equal(get.status, 400);
        assert.equal((await callApi('createDomain', { name: 'viapost' }, { ...v3, post: true })).status, 200);
        const far = { ...v3, expiresIn: 3600 };
        assert.equal((await callApi('listDomains', {}, far)).status, 401);
      } finally {
        const { callApi } = await import('../../src/cli/api-client.js');
        await callApi('updateConfiguration', { name: 'enforce.post.requests.and.timestamps', value: 'false' }, { ...s.admin.opts, expiresIn: 300, post: true });
      }
      assert.equal((await raw(s.endpoint, { command: 'listDomains', response: 'json' }, { keys })).status, 200);
    });
  });
}
