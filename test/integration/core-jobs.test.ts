/**
 * Async jobs across a restart: a job left IN_PROGRESS by a stopped server is resumed (when
 * its command is resumable) or failed with a clear errortext by the next server on the
 * same database — never left hanging. Also listApis against the registry.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app.js';
import { COMMANDS } from '../../src/api/registry.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, ApiClient, type TestServer } from '../helpers/server.js';

async function pollJob(client: ApiClient, jobid: string): Promise<Record<string, any>> {
  const until = Date.now() + 20_000;
  for (;;) {
    const j = await client.ok('queryAsyncJobResult', { jobid });
    if (j['jobstatus'] !== 0) return j;
    if (Date.now() > until) throw new Error(`job ${jobid} still in progress: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const dialect of dialectsUnderTest()) {
  describe(`async jobs across a restart (${dialect})`, () => {
    let s: TestServer;
    let second: App | undefined;
    after(async () => {
      if (second) await second.close();
      await s.db.drop();
    });

    it('resumes a resumable job and fails an unresumable one with a clear errortext', async () => {
      s = await startServer(dialect);
      const victim = await s.newAccount();
      const k = s.app.db.kysely;
      const admin = await k.selectFrom('users').select(['id', 'account_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
      const victimRow = await k.selectFrom('accounts').select(['id', 'domain_id']).where('uuid', '=', victim.accountId).executeTakeFirstOrThrow();
      const now = Date.now();
      const row = (uuid: string, cmd: string, info: Record<string, string>) => ({
        uuid, user_id: admin.id, account_id: admin.account_id, domain_id: 1, cmd, cmd_info: JSON.stringify(info), status: 0, process_status: 0, result_code: 0,
        result_type: null, result: null, instance_type: 'Account', instance_uuid: victim.accountId, start_event_id: null, msid: s.app.services.msid,
        lease_until: null, created: now, updated: now, completed: null,
      });
      const resumable = randomUUID();
      const stuck = randomUUID();
      // As a server that died mid-job leaves them: IN_PROGRESS, owned by that server.
      await k.insertInto('async_jobs').values([row(resumable, 'disableAccount', { id: victim.accountId, lock: 'false' }), row(stuck, 'noSuchJobCommand', {})]).execute();
      void victimRow;
      await s.app.close();

      second = await createApp({ dataDir: s.db.dataDir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false });
      const { url } = await second.listen();
      const client = new ApiClient({ endpoint: url, apiKey: s.admin.opts.apiKey, secretKey: s.admin.opts.secretKey });

      const done = await pollJob(client, resumable);
      assert.equal(done['jobstatus'], 1, JSON.stringify(done));
      assert.equal(done['jobresultcode'], 0);
      assert.equal(done['jobresulttype'], 'object');
      assert.equal(done['jobresult'].account.state, 'disabled');
      assert.equal(done['jobinstancetype'], 'Account');
      assert.equal(done['jobinstanceid'], victim.accountId);
      assert.equal((await client.ok('listAccounts', { id: victim.accountId }))['account'][0].state, 'disabled');

      const failed = await pollJob(client, stuck);
      assert.equal(failed['jobstatus'], 2, JSON.stringify(failed));
      assert.equal(failed['jobresultcode'], 530);
      assert.equal(failed['jobresult'].errorcode, 530);
      assert.match(failed['jobresult'].errortext, /interrupted because the management server stopped/);
      assert.ok(failed['completed']);

      const inProgress = await second.db.kysely.selectFrom('async_jobs').select('uuid').where('status', '=', 0).execute();
      assert.deepEqual(inProgress, []);
    });
  });

  describe(`async job answers and listApis (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('returns jobid at once, honours customjobid, and reports CloudStack job fields', async () => {
      const u = await s.newAccount();
      const custom = randomUUID();
      const r = await s.admin.ok('disableAccount', { id: u.accountId, lock: true, customjobid: custom });
      assert.deepEqual(Object.keys(r), ['jobid']);
      assert.equal(r['jobid'], custom);
      const j = await pollJob(s.admin, custom);
      assert.equal(j['jobstatus'], 1);
      assert.equal(j['cmd'], 'disableAccount');
      assert.equal(j['account'], 'admin');
      assert.equal(j['domainpath'], 'ROOT');
      assert.equal(j['jobresult'].account.state, 'locked');
      const listed = await s.admin.ok('listAsyncJobs');
      assert.ok((listed['asyncjobs'] as any[]).some((x) => x.jobid === custom));
      const events = await s.admin.ok('listEvents', { listall: true, type: 'ACCOUNT.DISABLE' });
      const mine = (events['event'] as any[]).filter((e) => e.resourceid === u.accountId);
      assert.deepEqual(mine.map((e) => e.state).sort(), ['Completed', 'Scheduled', 'Started'], 'one Completed event: the state change itself');
      const scheduled = mine.find((e) => e.state === 'Scheduled');
      for (const e of mine.filter((x) => x !== scheduled)) assert.equal(e.parentid, scheduled.id);
      const unknown = await s.admin.call('queryAsyncJobResult', { jobid: randomUUID() });
      assert.equal(unknown.status, 431);
      assert.match(unknown.inner['errortext'], /Invalid parameter jobid value=.* due to incorrect long value format, or entity does not exist/);
    });

    it('settled resolves once the job outcome is committed, at once for a job that ended or is unknown', async () => {
      const u = await s.newAccount();
      const r = await s.admin.ok('disableAccount', { id: u.accountId, lock: true });
      await s.app.services.jobs.settled(r['jobid']);
      // No wait between the end and the answer: the very next query sees the result.
      const j = await s.admin.ok('queryAsyncJobResult', { jobid: r['jobid'] });
      assert.equal(j['jobstatus'], 1, JSON.stringify(j));
      assert.equal(j['jobresult'].account.state, 'locked');
      await s.app.services.jobs.settled(r['jobid']);
      await s.app.services.jobs.settled(randomUUID());
    });

    it('a failing job ends FAILED with the error code and text in jobresult', async () => {
      const j = await s.admin.job('deleteDomain', { id: (await s.admin.ok('listDomains', { name: 'ROOT' }))['domain'][0].id });
      if (j['jobstatus'] === 1) assert.fail('deleting ROOT must fail');
      assert.equal(j['jobstatus'], 2);
      assert.equal(j['jobresultcode'], j['jobresult'].errorcode);
      assert.ok(j['jobresult'].errortext.length > 0);
    });

    it('listApis lists exactly the registered commands the role may call, with their parameters and response fields', async () => {
      const all = await s.admin.ok('listApis');
      const names = (all['api'] as any[]).map((a) => a.name).sort();
      assert.deepEqual(names, COMMANDS.map((c) => c.name).sort());
      assert.equal(all['count'], COMMANDS.length);
      const u = await s.newAccount();
      const mine = await u.ok('listApis');
      const userNames = (mine['api'] as any[]).map((a) => a.name).sort();
      assert.deepEqual(userNames, COMMANDS.filter((c) => c.roles.includes('User')).map((c) => c.name).sort());
      const listUsers = (mine['api'] as any[]).find((a) => a.name === 'listUsers');
      assert.deepEqual(listUsers.params.find((p: any) => p.name === 'id'), { name: 'id', description: 'Only this user', type: 'uuid', length: 255, required: false });
      assert.ok(listUsers.response.some((f: any) => f.name === 'username' && f.type === 'string'));
      const one = await s.admin.ok('listApis', { name: 'LISTACCOUNTS' });
      assert.equal(one['count'], 1);
      assert.equal(one['api'][0].isasync, false);
      const async = await s.admin.ok('listApis', { name: 'deleteAccount' });
      assert.equal(async['api'][0].isasync, true);
      const hidden = await u.call('listApis', { name: 'updateDomain' });
      assert.equal(hidden.status, 431);
    });
  });
}
