/** Every core state change writes its event, and only CloudStack's event types are ever written. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_TYPES } from '../../src/services/events/event-types.generated.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { raw } from '../helpers/http.js';

const KNOWN = new Set(EVENT_TYPES.map(([t]) => t));

for (const dialect of dialectsUnderTest()) {
  describe(`events of state changes (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('writes the CloudStack event of each core state change', async () => {
      const types = async () => new Set(((await s.admin.ok('listEvents', { listall: true, pagesize: -1 }))['event'] as any[]).map((e) => `${e.type}`));
      const expectEvent = async (type: string, action: () => Promise<unknown>) => {
        const before = (await s.admin.ok('listEvents', { listall: true, type }))['count'] ?? 0;
        await action();
        const after = (await s.admin.ok('listEvents', { listall: true, type }))['count'] ?? 0;
        assert.ok(after > before, `${type} was not written`);
      };
      let dom: Record<string, any> = {};
      await expectEvent('DOMAIN.CREATE', async () => (dom = (await s.admin.ok('createDomain', { name: 'evdom' }))['domain']));
      await expectEvent('DOMAIN.UPDATE', () => s.admin.ok('updateDomain', { id: dom.id, name: 'evdom2' }));
      let acct: Record<string, any> = {};
      await expectEvent('ACCOUNT.CREATE', async () => (acct = (await s.admin.ok('createAccount', { username: 'evu', password: 'pw', email: 'e@x.org', firstname: 'F', lastname: 'L', domainid: dom.id }))['account']));
      await expectEvent('ACCOUNT.UPDATE', () => s.admin.ok('updateAccount', { id: acct.id, newname: 'evu2' }));
      await expectEvent('ACCOUNT.DISABLE', () => s.admin.jobOk('disableAccount', { id: acct.id, lock: false }));
      await expectEvent('ACCOUNT.ENABLE', () => s.admin.ok('enableAccount', { id: acct.id }));
      await expectEvent('ACCOUNT.DISABLE', () => s.admin.ok('lockAccount', { account: 'evu2', domainid: dom.id }));
      await s.admin.ok('enableAccount', { id: acct.id });
      let user: Record<string, any> = {};
      await expectEvent('USER.CREATE', async () => (user = (await s.admin.ok('createUser', { account: 'evu2', domainid: dom.id, username: 'evu-second', password: 'pw', email: 'e2@x.org', firstname: 'F', lastname: 'L' }))['user']));
      await expectEvent('USER.UPDATE', () => s.admin.ok('updateUser', { id: user.id, firstname: 'G' }));
      await expectEvent('USER.DISABLE', () => s.admin.jobOk('disableUser', { id: user.id }));
      await expectEvent('USER.ENABLE', () => s.admin.ok('enableUser', { id: user.id }));
      await expectEvent('USER.LOCK', () => s.admin.ok('lockUser', { id: user.id }));
      await expectEvent('REGISTER.USER.KEY', () => s.admin.ok('registerUserKeys', { id: user.id }));
      await expectEvent('USER.DELETE', () => s.admin.ok('deleteUser', { id: user.id }));
      await expectEvent('CONFIGURATION.VALUE.EDIT', () => s.admin.ok('updateConfiguration', { name: 'network.throttling.rate', value: '250' }));
      await expectEvent('USER.LOGIN', () => raw(s.endpoint, { command: 'login', username: 'admin', password: 'password', response: 'json' }, { form: true }));
      await expectEvent('ACCOUNT.DELETE', () => s.admin.jobOk('deleteAccount', { id: acct.id }));
      await expectEvent('DOMAIN.DELETE', () => s.admin.jobOk('deleteDomain', { id: dom.id }));
      for (const t of await types()) assert.ok(KNOWN.has(t), `${t} is not a CloudStack event type`);
    });

    it('links a job\'s Started and Completed events to its Scheduled event', async () => {
      const u = await s.newAccount();
      const j = await s.admin.job('deleteAccount', { id: u.accountId });
      assert.equal(j['jobstatus'], 1);
      const ev = (await s.admin.ok('listEvents', { listall: true, type: 'ACCOUNT.DELETE', pagesize: -1 }))['event'] as any[];
      const scheduled = ev.find((e) => e.state === 'Scheduled' && e.resourceid === u.accountId);
      assert.ok(scheduled, JSON.stringify(ev));
      const children = ev.filter((e) => e.parentid === scheduled.id).map((e) => e.state).sort();
      assert.deepEqual(children, ['Completed', 'Started']);
    });
  });
}
