/**
 * Role scoping across accounts in two domains: a root admin, a domain admin of A, users in
 * A, A/sub and B. Users see only themselves, the domain admin sees A's subtree only.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';

type Client = ApiClient & { accountId: string; userId: string; accountName: string };
const names = (list: Record<string, any>, key: string, field = 'name') => ((list[key] ?? []) as Array<Record<string, any>>).map((x) => x[field]).sort();

for (const dialect of dialectsUnderTest()) {
  describe(`role scoping (${dialect})`, () => {
    let s: TestServer;
    let domA: Record<string, any>;
    let domSub: Record<string, any>;
    let domB: Record<string, any>;
    let da: Client;
    let ua: Client;
    let usub: Client;
    let ub: Client;
    let adminJob: string;
    let daJob: string;

    before(async () => {
      s = await startServer(dialect);
      domA = (await s.admin.ok('createDomain', { name: 'alpha' }))['domain'];
      domB = (await s.admin.ok('createDomain', { name: 'beta' }))['domain'];
      da = await s.newAccount({ domainid: domA.id, accounttype: 2, name: 'alphaadmin' });
      domSub = (await da.ok('createDomain', { name: 'sub', parentdomainid: domA.id }))['domain'];
      ua = await s.newAccount({ domainid: domA.id, name: 'alphauser' });
      usub = await s.newAccount({ domainid: domSub.id, name: 'subuser' });
      ub = await s.newAccount({ domainid: domB.id, name: 'betauser' });
      const victim = await s.newAccount({ domainid: domB.id, name: 'betavictim' });
      adminJob = (await s.admin.ok('disableAccount', { id: victim.accountId, lock: true }))['jobid'];
      const victimA = await s.newAccount({ domainid: domA.id, name: 'alphavictim' });
      daJob = (await da.ok('disableAccount', { id: victimA.accountId, lock: true }))['jobid'];
      await s.app.services.jobs.drain();
    });
    after(async () => {
      await s.close();
    });

    it('users see only their own account, users and events, whatever they ask for', async () => {
      for (const params of [{}, { listall: true }, { domainid: domA.id, isrecursive: true }]) {
        const accts = await ua.ok('listAccounts', params);
        assert.deepEqual(names(accts, 'account'), ['alphauser'], JSON.stringify(params));
        assert.equal(accts['count'], 1);
        const users = await ua.ok('listUsers', params);
        assert.deepEqual(names(users, 'user', 'username'), ['alphauser']);
      }
      const ev = await ua.ok('listEvents', { listall: true });
      assert.ok(ev['count'] >= 1);
      for (const e of ev['event']) assert.equal(e.account, 'alphauser');
      assert.deepEqual(await ua.ok('listAsyncJobs', { listall: true }), {});
    });

    it("users get 531 for another account's job and for naming another account", async () => {
      for (const jobid of [adminJob, daJob]) {
        const r = await ub.call('queryAsyncJobResult', { jobid });
        assert.equal(r.status, 531, JSON.stringify(r.body));
        assert.equal(r.inner['errorcode'], 531);
        assert.equal(r.inner['cserrorcode'], 4365);
        assert.ok(r.body['queryasyncjobresultresponse']);
      }
      const other = await ua.call('listUsers', { account: 'betauser', domainid: domB.id });
      assert.equal(other.status, 531, JSON.stringify(other.body));
      const self = await ua.ok('queryAsyncJobResult', { jobid: daJob }).catch((e) => e as Error);
      assert.ok(self instanceof Error && /531/.test(self.message));
    });

    it("the domain admin sees its domain's subtree, never B or the root admin", async () => {
      const accts = await da.ok('listAccounts');
      assert.deepEqual(names(accts, 'account'), ['alphaadmin', 'alphauser', 'alphavictim', 'subuser']);
      const own = await da.ok('listEvents');
      for (const e of own['event']) assert.equal(e.account, 'alphaadmin');
      const all = await da.ok('listEvents', { listall: true });
      const accounts = new Set((all['event'] as any[]).map((e) => e.account));
      assert.ok(accounts.has('alphauser') || accounts.has('alphavictim'), [...accounts].join());
      for (const a of accounts) assert.ok(['alphaadmin', 'alphauser', 'alphavictim', 'subuser'].includes(a), a);
      const domains = await da.ok('listDomains', { listall: true });
      assert.deepEqual(names(domains, 'domain'), ['alpha', 'sub']);
      const jobs = await da.ok('listAsyncJobs', { listall: true });
      assert.deepEqual((jobs['asyncjobs'] as any[]).map((j) => j.jobid), [daJob]);
      assert.equal((await da.ok('queryAsyncJobResult', { jobid: daJob }))['jobstatus'], 1);
      assert.equal((await da.call('queryAsyncJobResult', { jobid: adminJob })).status, 531);
    });

    it('domainid limits to one domain, isrecursive adds sub-domains, account+domainid picks one account', async () => {
      assert.deepEqual(names(await da.ok('listAccounts', { domainid: domA.id }), 'account'), ['alphaadmin', 'alphauser', 'alphavictim']);
      assert.deepEqual(names(await da.ok('listAccounts', { domainid: domA.id, isrecursive: true }), 'account'), ['alphaadmin', 'alphauser', 'alphavictim', 'subuser']);
      assert.deepEqual(names(await da.ok('listUsers', { domainid: domSub.id }), 'user', 'username'), ['subuser']);
      // listAccounts has no `account` parameter (BaseListDomainResourcesCmd); listUsers has.
      assert.deepEqual(names(await da.ok('listUsers', { account: 'subuser', domainid: domSub.id }), 'user', 'username'), ['subuser']);
      assert.deepEqual(names(await s.admin.ok('listUsers', { account: 'betauser', domainid: domB.id }), 'user', 'username'), ['betauser']);
      const noDomain = await s.admin.call('listUsers', { account: 'betauser' });
      assert.equal(noDomain.status, 431, 'an account name is looked up in the caller\'s domain unless domainid is given');
    });

    it("the domain admin gets 531 for B's domain and accounts and 432 for root-only commands", async () => {
      for (const [cmd, params] of [
        ['listAccounts', { domainid: domB.id }],
        ['listUsers', { account: 'betauser', domainid: domB.id }],
        ['listUsers', { domainid: domB.id }],
        ['lockUser', { id: ub.userId }],
        ['enableAccount', { id: ub.accountId }],
        ['createAccount', { username: 'intruder', password: 'p', email: 'e@x', firstname: 'f', lastname: 'l', domainid: domB.id }],
        ['createDomain', { name: 'intruder', parentdomainid: domB.id }],
        ['disableAccount', { id: ub.accountId, lock: false }],
      ] as Array<[string, Record<string, string | boolean>]>) {
        const r = await da.call(cmd, params);
        assert.equal(r.status, 531, `${cmd}: ${JSON.stringify(r.body)}`);
        assert.equal(r.inner['errorcode'], 531);
      }
      for (const cmd of ['updateDomain']) {
        const r = await da.call(cmd, { id: domA.id });
        assert.equal(r.status, 432, `${cmd}: ${JSON.stringify(r.body)}`);
        assert.deepEqual(r.body, { errorresponse: { uuidList: [], errorcode: 432, cserrorcode: 4555, errortext: `The API [${cmd}] does not exist or is not available for the account for user id [${da.userId}].` } });
      }
      const u = await ua.call('createAccount', { username: 'x', password: 'p', email: 'e@x', firstname: 'f', lastname: 'l' });
      assert.equal(u.status, 432);
      assert.equal(u.body['errorresponse'].errortext, `The API [createAccount] does not exist or is not available for the account for user id [${ua.userId}].`);
      // Nothing was created by the refused calls.
      assert.equal((await s.admin.ok('listAccounts', { name: 'intruder', listall: true }))['count'], undefined);
      assert.equal((await s.admin.ok('listDomains', { name: 'intruder', listall: true }))['count'], undefined);
      assert.equal((await s.admin.ok('listUsers', { id: ub.userId }))['user'][0].state, 'enabled');
    });

    it('root admin: own account by default, everything with listall, keyword and paging', async () => {
      const own = await s.admin.ok('listEvents', { type: 'DOMAIN.CREATE' });
      assert.deepEqual(names(own, 'event', 'account'), ['admin', 'admin']);
      const all = await s.admin.ok('listAccounts', { listall: true });
      assert.equal(all['count'], 7);
      const kw = await s.admin.ok('listAccounts', { listall: true, keyword: 'alpha' });
      assert.deepEqual(names(kw, 'account'), ['alphaadmin', 'alphauser', 'alphavictim']);
      const p1 = await s.admin.ok('listAccounts', { listall: true, page: 1, pagesize: 3 });
      const p3 = await s.admin.ok('listAccounts', { listall: true, page: 3, pagesize: 3 });
      const p9 = await s.admin.ok('listAccounts', { listall: true, page: 9, pagesize: 3 });
      assert.equal(p1['count'], 7);
      assert.equal(p1['account'].length, 3);
      assert.equal(p3['account'].length, 1);
      assert.deepEqual(p9, { count: 7 });
      const unlimited = await s.admin.ok('listAccounts', { listall: true, pagesize: -1 });
      assert.equal(unlimited['account'].length, 7);
      const expectError = async (params: Record<string, string | number | boolean>, text: string) => {
        const r = await s.admin.call('listAccounts', params);
        assert.equal(r.status, 431, JSON.stringify(r.body));
        assert.equal(r.inner['errortext'], text);
      };
      // Events come newest first; count is the total across pages.
      const ev1 = await s.admin.ok('listEvents', { listall: true, page: 1, pagesize: 2 });
      const ev2 = await s.admin.ok('listEvents', { listall: true, page: 2, pagesize: 2 });
      assert.equal(ev1['count'], ev2['count']);
      const times = [...ev1['event'], ...ev2['event']].map((e: any) => e.created);
      assert.deepEqual(times, [...times].sort().reverse());
      assert.notEqual(ev1['event'][0].id, ev2['event'][0].id);
      const kwUsers = await s.admin.ok('listUsers', { listall: true, keyword: 'SUBUSER' });
      assert.deepEqual(names(kwUsers, 'user', 'username'), ['subuser']);
      await expectError({ pagesize: 3 }, '"page" parameter is required when "pagesize" is specified');
      await expectError({ page: 1 }, '"pagesize" parameter is required when "page" is specified');
      await expectError({ page: 1, pagesize: 501 }, "Page size can't exceed max allowed page size value: 500");
    });
  });
}
