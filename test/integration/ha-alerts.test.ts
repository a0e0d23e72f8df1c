/**
 * Alerts end to end with a real SMTP server on loopback (smtp-server, AUTH required):
 * listAlertTypes, generateAlert, repeats bounded by alert.wait, a cluster CPU threshold
 * crossed by real deploys, a host whose agent dies (ping.interval 1 s × ping.timeout 3),
 * an SMTP server that is down (the alert is still recorded, the call not blocked),
 * archiveAlerts / deleteAlerts and their roles.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until, type AgentProc } from '../helpers/ha-cloud.js';
import { smtp, subjectOf } from '../helpers/smtp.js';

for (const dialect of dialectsUnderTest()) {
  describe(`alerts and alert e-mail (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let mail: Awaited<ReturnType<typeof smtp>>;
    let agent: AgentProc;

    before(async () => {
      mail = await smtp('alerts', 's3cret-smtp');
      s = await startServer(dialect);
      const set = (name: string, value: string, extra: Record<string, string> = {}) => s.admin.ok('updateConfiguration', { name, value, ...extra });
      await set('alert.smtp.host', '127.0.0.1');
      await set('alert.smtp.port', String(mail.port));
      await set('alert.smtp.useAuth', 'true');
      await set('alert.smtp.username', 'alerts');
      await set('alert.smtp.password', 's3cret-smtp');
      await set('alert.email.sender', 'cloud@nimbo.test');
      await set('alert.email.addresses', 'ops@nimbo.test, oncall@nimbo.test');
      await set('alert.smtp.connectiontimeout', '3000');
      await set('alert.wait', '3600');
      await set('capacity.check.period', '1000');
      await set('ping.interval', '1');
      await set('ping.timeout', '3');
      cloud = new HaCloud(s, { cpus: 2, cpuSpeed: 1000, memoryMiB: 8192 });
      await cloud.init();
      await set('cluster.cpu.allocated.capacity.notificationthreshold', '0.5', { clusterid: cloud.cluster });
      agent = await cloud.addAgent(1);
    });

    after(async () => {
      await cloud?.close();
      await s?.close();
      await mail?.close().catch(() => undefined);
    });

    it('listAlertTypes lists CloudStack types with their numbers', async () => {
      const r = (await s.admin.ok('listAlertTypes'))['alerttype'] as Array<{ alerttypeid: number; name: string }>;
      assert.deepEqual(r.find((t) => t.alerttypeid === 7), { alerttypeid: 7, name: 'ALERT.COMPUTE.HOST' });
      assert.deepEqual(r.find((t) => t.alerttypeid === 1), { alerttypeid: 1, name: 'ALERT.CPU' });
      assert.equal(new Set(r.map((t) => t.alerttypeid)).size, r.length, 'one name per number');
    });

    it('generateAlert records the alert and e-mails it through authenticated SMTP; a repeat within alert.wait is suppressed', async () => {
      await s.admin.jobOk('generateAlert', { type: 14, name: 'mgmt-test', description: 'Management server test alert' });
      const a = (await s.admin.ok('listAlerts', { name: 'ALERT.MANAGEMENT' }))['alert'] as any[];
      assert.equal(a.length, 1);
      assert.equal(a[0].type, 14);
      assert.equal(a[0].description, 'Management server test alert');
      assert.match(a[0].sent, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      const m = await until('the e-mail', async () => mail.mails.find((x) => subjectOf(x.raw).includes('Management server test alert')));
      assert.equal(m.from, 'cloud@nimbo.test');
      assert.deepEqual(m.to.sort(), ['oncall@nimbo.test', 'ops@nimbo.test']);
      assert.equal(m.user, 'alerts');
      assert.ok(!m.raw.includes('s3cret-smtp'), 'the SMTP password is not in the message');
      const n = mail.mails.length;
      await s.admin.jobOk('generateAlert', { type: 14, name: 'mgmt-test', description: 'Management server test alert' });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(mail.mails.length, n, 'no second e-mail within alert.wait');
      const row = await s.app.db.kysely.selectFrom('alerts').select(['sent_count', 'email_state']).where('type', '=', 14).executeTakeFirstOrThrow();
      assert.equal(Number(row.sent_count), 1);
      assert.equal(row.email_state, 'sent');
    });

    it('crossing the cluster CPU threshold raises ALERT.CPU once, with an e-mail', async () => {
      await cloud.deploy(); // 500 of 2000 MHz: 25 %, below the cluster's 0.5
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(((await s.admin.ok('listAlerts', { type: 'ALERT.CPU' }))['alert'] ?? []).length, 0);
      await cloud.deploy(); // 50 %: at the threshold
      const a = await until('ALERT.CPU', async () => ((await s.admin.ok('listAlerts', { type: '1' }))['alert'] as any[] | undefined)?.[0], 20_000);
      assert.match(a.description, /ha-c1/);
      await until('the CPU e-mail', async () => mail.mails.find((x) => /Low allocated CPU in cluster ha-c1/.test(subjectOf(x.raw))));
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(((await s.admin.ok('listAlerts', { type: '1' }))['alert'] as any[]).length, 1, 'one alert while the condition lasts');
      assert.equal(mail.mails.filter((x) => /allocated CPU/.test(subjectOf(x.raw))).length, 1, 'no repeat within alert.wait');
    });

    it('a host whose agent dies raises ALERT.COMPUTE.HOST and an e-mail', async () => {
      const h = (await s.admin.ok('listHosts', {}))['host'][0];
      await cloud.killAgent(agent);
      const a = await until('host alert', async () => ((await s.admin.ok('listAlerts', { type: '7' }))['alert'] as any[] | undefined)?.find((x) => x.description.includes(h.name)), 60_000);
      assert.match(a.description, /not responding|down/);
      await until('the host e-mail', async () => mail.mails.find((x) => subjectOf(x.raw).includes(h.name)), 30_000);
    });

    it('SMTP down: the alert is recorded at once and marked failed, nothing blocks', async () => {
      await mail.close();
      const t0 = Date.now();
      await s.admin.jobOk('generateAlert', { type: 12, name: 'smtp-down', description: 'Storage misc while SMTP is down' });
      assert.ok(Date.now() - t0 < 3000, 'the command does not wait for SMTP');
      const a = (await s.admin.ok('listAlerts', { type: '12' }))['alert'] as any[];
      assert.equal(a.length, 1);
      await until('e-mail failure recorded', async () => (await s.app.db.kysely.selectFrom('alerts').select('email_state').where('type', '=', 12).executeTakeFirst())?.email_state === 'failed', 20_000);
    });

    it('archiveAlerts hides alerts, deleteAlerts removes them; a selector is required; admins only', async () => {
      const all = (await s.admin.ok('listAlerts'))['alert'] as any[];
      assert.ok(all.length >= 3);
      const mgmt = all.find((a) => a.type === 14);
      await s.admin.ok('archiveAlerts', { ids: mgmt.id });
      assert.ok(!((await s.admin.ok('listAlerts'))['alert'] as any[]).some((a) => a.id === mgmt.id));
      await s.admin.ok('deleteAlerts', { type: 'ALERT.STORAGE.MISC' });
      assert.equal(await s.app.db.kysely.selectFrom('alerts').select('id').where('type', '=', 12).executeTakeFirst(), undefined);
      assert.equal((await s.admin.call('deleteAlerts', {})).status, 431);
      assert.equal((await s.admin.call('archiveAlerts', { type: 'NOT.A.TYPE' })).status, 431);
      const user = await s.newAccount();
      const r = await user.call('listAlerts');
      assert.ok(r.status === 432 || r.status === 531, `status ${r.status}`);
    });
  });
}
