/**
 * State changes and their side effects: refused calls change nothing, every change writes
 * its event, events can be archived and deleted, settings are typed and scoped, time
 * zones are validated.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { raw, cookieValue } from '../helpers/http.js';

const person = (name: string, extra: Record<string, string | number> = {}) => ({ username: name, password: 'pw-123456', email: `${name}@example.com`, firstname: 'F', lastname: 'L', ...extra });

for (const dialect of dialectsUnderTest()) {
  describe(`state changes, events and settings (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    const countOf = async (cmd: string, params: Record<string, string | number | boolean>) => (await s.admin.ok(cmd, { listall: true, ...params }))['count'] ?? 0;

    it('createAccount writes its ACCOUNT.CREATE event, owned by the new account', async () => {
      const a = (await s.admin.ok('createAccount', person('evented')))['account'];
      const ev = await s.admin.ok('listEvents', { listall: true, resourceid: a.id });
      assert.deepEqual((ev['event'] as any[]).map((e) => e.type), ['ACCOUNT.CREATE']);
      const e = ev['event'][0];
      assert.equal(e.account, 'evented');
      assert.equal(e.username, 'admin');
      assert.equal(e.level, 'INFO');
      assert.equal(e.state, 'Completed');
      assert.match(e.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/);
    });

    it('a duplicate createAccount is refused and leaves no partial account or user', async () => {
      await s.admin.ok('createAccount', person('dupe'));
      const before = { accounts: await countOf('listAccounts', {}), users: await countOf('listUsers', {}), events: await countOf('listEvents', { type: 'ACCOUNT.CREATE' }) };
      const sameName = await s.admin.call('createAccount', person('dupe'));
      assert.equal(sameName.status, 431, JSON.stringify(sameName.body));
      assert.ok(sameName.body['createaccountresponse'], 'error under the command key');
      // A new account name whose first user clashes with an existing username: the account row must roll back too.
      const userClash = await s.admin.call('createAccount', person('dupe', { account: 'freshname' }));
      assert.equal(userClash.status, 431, JSON.stringify(userClash.body));
      const badTz = await s.admin.call('createAccount', person('tzfail', { timezone: 'Mars/Olympus' }));
      assert.equal(badTz.status, 431);
      const missing = await s.admin.call('createAccount', { username: 'nopw', email: 'e@x', firstname: 'f', lastname: 'l' });
      assert.equal(missing.status, 431);
      assert.equal(missing.inner['errortext'], 'Unable to execute API command createaccount due to missing parameter password');
      assert.equal(await countOf('listAccounts', {}), before.accounts);
      assert.equal(await countOf('listUsers', {}), before.users);
      assert.equal(await countOf('listEvents', { type: 'ACCOUNT.CREATE' }), before.events);
      assert.equal(await countOf('listAccounts', { name: 'freshname' }), 0);
    });

    it('concurrent creates of one name make exactly one account, user and domain', async () => {
      const accounts = await Promise.all(Array.from({ length: 6 }, () => s.admin.call('createAccount', person('racer'))));
      assert.deepEqual(accounts.map((r) => r.status).sort(), [200, 431, 431, 431, 431, 431]);
      const domains = await Promise.all(Array.from({ length: 6 }, () => s.admin.call('createDomain', { name: 'racedom' })));
      assert.deepEqual(domains.map((r) => r.status).sort(), [200, 431, 431, 431, 431, 431]);
      assert.equal(await countOf('listUsers', { username: 'racer' }), 1);
      assert.equal(await countOf('listDomains', { name: 'racedom' }), 1);
    });

    it('validates time zones on createAccount and updateUser', async () => {
      const a = (await s.admin.ok('createAccount', person('tzuser', { timezone: 'Asia/Kolkata' })))['account'];
      assert.equal(a.user[0].timezone, 'Asia/Kolkata');
      const bad = await s.admin.call('updateUser', { id: a.user[0].id, timezone: 'Europe/Nowhere' });
      assert.equal(bad.status, 431);
      const u = (await s.admin.ok('updateUser', { id: a.user[0].id, timezone: 'America/New_York' }))['user'];
      assert.equal(u.timezone, 'America/New_York');
      const listed = await s.admin.ok('listUsers', { id: a.user[0].id });
      assert.equal(listed['user'][0].timezone, 'America/New_York');
      const ev = await s.admin.ok('listEvents', { listall: true, type: 'USER.UPDATE', resourceid: a.user[0].id });
      assert.equal(ev['count'], 1, 'only the successful update wrote an event');
    });

    it('archiveEvents hides events from listEvents, deleteEvents removes them; both answer success "true"', async () => {
      const d1 = (await s.admin.ok('createDomain', { name: 'evd1' }))['domain'];
      const d2 = (await s.admin.ok('createDomain', { name: 'evd2' }))['domain'];
      const e1 = (await s.admin.ok('listEvents', { resourceid: d1.id }))['event'][0];
      const e2 = (await s.admin.ok('listEvents', { resourceid: d2.id }))['event'][0];
      const r = await s.admin.call('archiveEvents', { ids: e1.id });
      assert.deepEqual(r.body, { archiveeventsresponse: { success: 'true' } });
      assert.deepEqual(await s.admin.ok('listEvents', { resourceid: d1.id }), {});
      const archived = await s.admin.ok('listEvents', { resourceid: d1.id, archived: true });
      assert.equal(archived['event'][0].id, e1.id);
      assert.equal(archived['event'][0].archived, true);
      assert.equal((await s.admin.ok('listEvents', { resourceid: d2.id, state: 'Completed' }))['count'], 1);
      assert.deepEqual(await s.admin.ok('listEvents', { resourceid: d2.id, state: 'Scheduled' }), {});
      const del = await s.admin.call('deleteEvents', { ids: e2.id });
      assert.deepEqual(del.body, { deleteeventsresponse: { success: 'true' } });
      assert.deepEqual(await s.admin.ok('listEvents', { resourceid: d2.id }), {});
      const none = await s.admin.call('archiveEvents', {});
      assert.equal(none.status, 431);
      // Another account's events are out of a user's reach.
      const u = await s.newAccount();
      const d3 = (await s.admin.ok('createDomain', { name: 'evd3' }))['domain'];
      const adminEvent = (await s.admin.ok('listEvents', { resourceid: d3.id }))['event'][0];
      const refused = await u.call('deleteEvents', { ids: adminEvent.id });
      assert.ok([431, 531].includes(refused.status), JSON.stringify(refused.body));
      assert.equal((await s.admin.ok('listEvents', { id: adminEvent.id }))['count'], 1);
      const byType = await s.admin.call('deleteEvents', { type: 'DOMAIN.CREATE' });
      assert.equal(byType.status, 200);
      assert.deepEqual(await s.admin.ok('listEvents', { type: 'DOMAIN.CREATE' }), {});
    });

    it('listEventTypes lists CloudStack event types', async () => {
      const t = await s.admin.ok('listEventTypes');
      const names = (t['eventtype'] as any[]).map((x) => x.name);
      for (const n of ['ACCOUNT.CREATE', 'USER.LOGIN', 'VM.CREATE', 'DOMAIN.DELETE']) assert.ok(names.includes(n), n);
    });

    it('updateConfiguration checks the type, names unknown settings, and records an event', async () => {
      const bad = await s.admin.call('updateConfiguration', { name: 'network.throttling.rate', value: 'fast' });
      assert.equal(bad.status, 431);
      assert.match(bad.inner['errortext'], /network\.throttling\.rate/);
      const badBool = await s.admin.call('updateConfiguration', { name: 'allow.user.expunge.recover.vm', value: 'maybe' });
      assert.equal(badBool.status, 431);
      const unknown = await s.admin.call('updateConfiguration', { name: 'no.such.setting', value: '1' });
      assert.equal(unknown.status, 431);
      const before = (await s.admin.ok('listConfigurations', { name: 'network.throttling.rate' }))['configuration'][0];
      assert.equal(before.value, '200');
      assert.equal(before.defaultvalue, '200');
      const ok = (await s.admin.ok('updateConfiguration', { name: 'network.throttling.rate', value: '300' }))['configuration'];
      assert.equal(ok.value, '300');
      assert.equal((await s.admin.ok('listConfigurations', { name: 'network.throttling.rate' }))['configuration'][0].value, '300');
      assert.ok((await countOf('listEvents', { type: 'CONFIGURATION.VALUE.EDIT' })) >= 1);
      // No value resets to the default.
      const reset = (await s.admin.ok('updateConfiguration', { name: 'network.throttling.rate' }))['configuration'];
      assert.equal(reset.value, '200');
      await s.admin.ok('updateConfiguration', { name: 'default.page.size', value: '' });
      assert.equal((await s.admin.ok('listConfigurations', { name: 'default.page.size' }))['configuration'][0].value, '500');
      assert.equal((await s.admin.ok('listAccounts', { page: 1, pagesize: 2 }))['count'] >= 1, true);
      await s.admin.ok('updateConfiguration', { name: 'network.throttling.rate', value: '300' });
      const wrongScope = await s.admin.call('updateConfiguration', { name: 'session.timeout', value: '5', accountid: (await s.newAccount()).accountId });
      assert.equal(wrongScope.status, 431);
    });

    it('account-scoped overrides apply to one account only', async () => {
      const u = await s.newAccount();
      const name = 'allow.user.expunge.recover.vm';
      const set = (await s.admin.ok('updateConfiguration', { name, value: 'true', accountid: u.accountId }))['configuration'];
      assert.equal(set.value, 'true');
      assert.equal(set.scope, 'account');
      const forAccount = (await s.admin.ok('listConfigurations', { name, accountid: u.accountId }))['configuration'][0];
      assert.equal(forAccount.value, 'true');
      const global = (await s.admin.ok('listConfigurations', { name }))['configuration'][0];
      assert.equal(global.value, 'false');
      const other = await s.newAccount();
      assert.equal((await s.admin.ok('listConfigurations', { name, accountid: other.accountId }))['configuration'][0].value, 'false');
      const edits = await s.admin.ok('listEvents', { type: 'CONFIGURATION.VALUE.EDIT', keyword: name });
      assert.ok(edits['count'] >= 1);
      assert.equal(await s.app.services.config.get(name, { kind: 'Account', id: (await s.app.db.kysely.selectFrom('accounts').select('id').where('uuid', '=', u.accountId).executeTakeFirstOrThrow()).id }), 'true');
    });

    it('settings are root-admin business unless scoped to what a domain admin owns', async () => {
      const dom = (await s.admin.ok('createDomain', { name: 'cfgdom' }))['domain'];
      const da = await s.newAccount({ domainid: dom.id, accounttype: 2 });
      const u = await s.newAccount({ domainid: dom.id });
      const global = await da.call('updateConfiguration', { name: 'network.throttling.rate', value: '1' });
      assert.notEqual(global.status, 200);
      assert.equal((await s.admin.ok('listConfigurations', { name: 'network.throttling.rate' }))['configuration'][0].value, '300');
      const mine = await da.call('updateConfiguration', { name: 'allow.user.expunge.recover.vm', value: 'true', accountid: u.accountId });
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      const outsider = await s.newAccount();
      const notMine = await da.call('updateConfiguration', { name: 'allow.user.expunge.recover.vm', value: 'true', accountid: outsider.accountId });
      assert.equal(notMine.status, 531);
      assert.equal((await u.call('listConfigurations', {})).status, 432);
      // Without a scope a domain admin lists its own domain's values (here over a session: key access is off).
      await s.admin.ok('updateConfiguration', { name: 'api.key.access', value: 'false', domainid: dom.id });
      const session = await raw(s.endpoint, { command: 'login', username: da.accountName, password: 'secret-pw', domain: '/cfgdom/', response: 'json' }, { form: true });
      assert.equal(session.status, 200, session.text);
      const key = session.inner['sessionkey'];
      const own = await raw(s.endpoint, { command: 'listConfigurations', name: 'api.key.access', sessionkey: key, response: 'json' }, { cookie: `JSESSIONID=${cookieValue(session.cookies, 'JSESSIONID')}; sessionkey=${key}` });
      assert.equal(own.status, 200, own.text);
      assert.equal(own.inner['configuration'][0].value, 'false');
      assert.equal(own.inner['configuration'][0].scope, 'domain');
      await s.admin.ok('updateConfiguration', { name: 'api.key.access', value: '', domainid: dom.id });
      assert.equal((await s.admin.ok('listConfigurations', { name: 'api.key.access' }))['configuration'][0].value, 'true');
      const other = (await s.admin.ok('createDomain', { name: 'cfgother' }))['domain'];
      assert.equal((await da.call('listConfigurations', { domainid: other.id })).status, 531);
    });
  });
}
