/**
 * Rolling upgrade (issue #12), on PostgreSQL and MariaDB, with real releases: this build
 * (version N) and a copy of it that says N+1 (test/helpers/release.ts) run side by side on one
 * database behind haproxy, whose agent frontend the simulated hosts connect through. Both are
 * listed Up with their versions; API calls, logins and jobs work through either, a job started
 * on one completing on hosts the other holds. Stopping N (SIGTERM) lists it Down, its hosts come
 * back through haproxy on N+1, and everything continues there. Then `nimbo db migrate` of a
 * release bringing a migration refuses while another server's heartbeat is fresh (naming it and
 * its version), runs with --force, and runs unforced once the last server's heartbeat is stale.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { sql } from 'kysely';
import { VERSION } from '../../src/app.js';
import { openDb, type Db } from '../../src/db/dialect.js';
import { dialectsUnderTest, freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { Farm, type FarmServer } from '../helpers/farm.js';
import { buildRelease, type Release } from '../helpers/release.js';
import { ApiClient } from '../helpers/server.js';
import { until } from '../helpers/until.js';

const HOSTS = 6;
const DOWN_AFTER_MS = 10_000;
const FARM_ENV = { NIMBO_FARM_HEARTBEAT_MS: '500', NIMBO_FARM_DOWN_AFTER_MS: String(DOWN_AFTER_MS) };

/** N+1: the same version with its patch number raised. */
const bump = (v: string, i: number) => v.replace(/\d+$/, (d) => String(Number(d) + i));

function migrateCli(release: Release, dbUrl: string, force: boolean, downAfterMs = DOWN_AFTER_MS): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [release.bin, 'db', 'migrate', ...(force ? ['--force'] : [])], {
      env: { PATH: process.env['PATH'] ?? '', NIMBO_DB_URL: dbUrl, NIMBO_FARM_DOWN_AFTER_MS: String(downAfterMs) }, timeout: 120_000,
    }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }));
  });
}

async function login(s: FarmServer): Promise<{ sessionkey: string; cookie: string }> {
  const r = await fetch(`http://127.0.0.1:${s.apiPort}/client/api`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'command=login&username=admin&password=password&response=json',
  });
  assert.equal(r.status, 200, `login on ${s.name}`);
  const sessionkey = ((await r.json()) as { loginresponse: { sessionkey: string } }).loginresponse.sessionkey;
  const sid = /JSESSIONID=([^;]+)/.exec(r.headers.getSetCookie().join('; '))![1]!;
  return { sessionkey, cookie: `JSESSIONID=${sid}; sessionkey=${sessionkey}` };
}

async function withSession(port: number, sess: { sessionkey: string; cookie: string }, command: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/client/api?command=${command}&response=json&sessionkey=${encodeURIComponent(sess.sessionkey)}`, { headers: { cookie: sess.cookie } });
  await r.arrayBuffer();
  return r.status;
}

/** The UI's page and the script it loads, through haproxy's API frontend. */
async function uiThroughHaproxy(port: number): Promise<void> {
  const page = await fetch(`http://127.0.0.1:${port}/client/`);
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(html, /<title>Nimbo<\/title>/);
  const script = /src="(\/client\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  const js = await fetch(`http://127.0.0.1:${port}${script}`);
  assert.equal(js.status, 200);
  assert.ok((await js.arrayBuffer()).byteLength > 1000);
}

for (const dialect of dialectsUnderTest().filter((d) => d !== 'sqlite')) {
  describe(`rolling upgrade of a management server farm (${dialect})`, () => {
    let tdb: TestDatabase;
    let farm: Farm;
    let db: Db;
    const releases: Release[] = [];
    after(async () => {
      await farm?.close();
      await db?.close();
      await tdb?.drop();
      for (const r of releases) r.remove();
    });

    it('runs N and N+1 side by side, stops N, and refuses a migration while another server lives unless forced', { timeout: 600_000 }, async () => {
      const vNext = bump(VERSION, 1);
      const vMig = bump(VERSION, 2);
      const vMig2 = bump(VERSION, 3);
      const next = buildRelease(vNext);
      const withMigration = buildRelease(vMig, [{ name: '9001-upgrade-probe', table: 'upgrade_probe_a' }]);
      const withTwo = buildRelease(vMig2, [{ name: '9001-upgrade-probe', table: 'upgrade_probe_a' }, { name: '9002-upgrade-probe', table: 'upgrade_probe_b' }]);
      releases.push(next, withMigration, withTwo);

      tdb = await freshDatabase(dialect);
      db = openDb(tdb.url, tdb.dataDir);
      farm = new Farm(tdb.url!, FARM_ENV);
      const n = await farm.addServer();
      const n1 = await farm.addServer(next.bin);
      await farm.startHaproxy();
      const direct = (s: FarmServer) => new ApiClient({ ...farm.admin.opts, endpoint: `http://127.0.0.1:${s.apiPort}/client/api` });
      const [onN, onN1] = [direct(n), direct(n1)];

      // Both listed Up with their own versions, seen alike from either server.
      for (const via of [onN, onN1]) {
        const list = (await via.ok('listManagementServers'))['managementserver'] as Array<Record<string, string>>;
        assert.deepEqual(list.map((m) => [m['id'], m['state'], m['version']]), [[n.msid, 'Up', VERSION], [n1.msid, 'Up', vNext]]);
      }

      // The UI through haproxy from either server (round robin), and its bundle; /internal/ is not for outsiders.
      await uiThroughHaproxy(farm.apiPort);
      await uiThroughHaproxy(farm.apiPort);
      assert.equal((await fetch(`http://127.0.0.1:${farm.apiPort}/internal/agent-command`, { method: 'POST', body: '{}' })).status, 403);

      // Hosts join through haproxy's agent frontend and spread over both servers.
      const { zone, so, tpl } = await farm.zone(db, HOSTS, {}, 'haproxy');
      const holders = async () => {
        const rows = await db.kysely.selectFrom('hosts').select(['uuid', 'status', 'mgmt_server_id']).where('removed', 'is', null).execute();
        return rows;
      };
      const hostsOf = async (s: FarmServer) => (await holders()).filter((h) => h.status === 'Up' && h.mgmt_server_id === s.msid).map((h) => h.uuid);
      const [hostsN, hostsN1] = [await hostsOf(n), await hostsOf(n1)];
      assert.ok(hostsN.length > 0 && hostsN1.length > 0, `hosts on both servers (${hostsN.length}/${hostsN1.length})`);

      // A login on either is a session on both.
      const sessN = await login(n);
      const sessN1 = await login(n1);
      for (const s of [n, n1]) {
        assert.equal(await withSession(s.apiPort, sessN, 'listZones'), 200, `session from ${n.name} on ${s.name}`);
        assert.equal(await withSession(s.apiPort, sessN1, 'listZones'), 200, `session from ${n1.name} on ${s.name}`);
      }
      // A logout on one server ends the session on the other at once.
      const brief = await login(n1);
      assert.equal(await withSession(n.apiPort, brief, 'logout'), 200);
      assert.equal(await withSession(n1.apiPort, brief, 'listZones'), 401);

      // Jobs started on either server onto hosts held by either: the commands cross versions.
      const vms: string[] = [];
      for (const [via, other] of [[onN, onN1], [onN1, onN]] as const) {
        for (const hostid of [hostsN[0]!, hostsN1[0]!]) {
          const r = await via.ok('deployVirtualMachine', { zoneid: zone, serviceofferingid: so, templateid: tpl, hostid });
          const j = await until(`deploy job ${r['jobid']}`, async () => {
            const q = await other.ok('queryAsyncJobResult', { jobid: r['jobid'] });
            return q['jobstatus'] !== 0 && q;
          }, 120_000, 200);
          assert.equal(j['jobstatus'], 1, JSON.stringify(j['jobresult']));
          assert.equal(j['jobresult']['virtualmachine']['state'], 'Running');
          assert.equal(j['jobresult']['virtualmachine']['hostid'], hostid);
          vms.push(j['jobresult']['virtualmachine']['id']);
        }
      }
      const stopped = await onN1.jobOk('stopVirtualMachine', { id: vms[0]! });
      assert.equal(stopped['virtualmachine']['state'], 'Stopped');

      // A release with a migration: `nimbo db migrate` refuses while either server lives, naming both.
      const refused = await migrateCli(withMigration, tdb.url!, false);
      assert.equal(refused.code, 1, refused.out);
      assert.match(refused.out, /Refusing to apply 1 migration\(s\) \(9001-upgrade-probe\) while 2 other management server\(s\) are running on this database: /);
      assert.match(refused.out, new RegExp(`id ${n.msid}, 127\\.0\\.0\\.1, version ${VERSION.replace(/\./g, '\\.')}, last heartbeat \\d+ s ago`));
      assert.match(refused.out, new RegExp(`id ${n1.msid}, 127\\.0\\.0\\.1, version ${vNext.replace(/\./g, '\\.')}, last heartbeat \\d+ s ago`));
      assert.match(refused.out, /nimbo db migrate --force/);

      // Stop N in order: listed Down with its stop time, its hosts come back through haproxy on N+1.
      const leasesBefore = await db.kysely.selectFrom('scheduler_leases').selectAll().execute();
      assert.equal(await farm.stop(n), 0);
      const list = (await farm.admin.ok('listManagementServers'))['managementserver'] as Array<Record<string, string>>;
      const gone = list.find((m) => m['id'] === n.msid)!;
      assert.equal(gone['state'], 'Down');
      assert.equal(gone['version'], VERSION);
      assert.ok(gone['lastserverstop']);
      assert.equal(list.find((m) => m['id'] === n1.msid)!['state'], 'Up');
      const t0 = Date.now();
      await until('every host Up on N+1', async () => (await holders()).every((h) => h.status === 'Up' && h.mgmt_server_id === n1.msid), 120_000, 250);
      const reconnectMs = Date.now() - t0;
      // The schedulers N held (released at its stop) run on N+1.
      const fromN = leasesBefore.filter((l) => l.holder === n.msid).map((l) => l.name);
      await until(`N+1 holds the schedulers N held (${fromN.join(', ')})`, async () => {
        const rows = await db.kysely.selectFrom('scheduler_leases').selectAll().where('name', 'in', fromN.length ? fromN : ['-']).execute();
        return rows.every((r) => r.holder === n1.msid) && rows;
      }, 60_000, 250);
      // Through haproxy everything continues: the UI, N's session, a deploy onto a host N held, the stopped VM's start.
      await uiThroughHaproxy(farm.apiPort);
      assert.equal(await withSession(farm.apiPort, sessN, 'listVirtualMachines'), 200);
      const again = await farm.admin.jobOk('deployVirtualMachine', { zoneid: zone, serviceofferingid: so, templateid: tpl, hostid: hostsN[0]! });
      assert.equal(again['virtualmachine']['state'], 'Running');
      assert.equal((await farm.admin.jobOk('startVirtualMachine', { id: vms[0]! }))['virtualmachine']['state'], 'Running');
      for (const id of vms.slice(1)) await farm.admin.jobOk('destroyVirtualMachine', { id, expunge: true });
      assert.deepEqual(((await farm.admin.ok('listVirtualMachines'))['virtualmachine'] as Array<{ id: string }>).map((v) => v.id).sort(), [vms[0]!, again['virtualmachine']['id']].sort());

      // Only N+1 lives now: still refused, naming it alone; --force applies the migration.
      const refusedAgain = await migrateCli(withMigration, tdb.url!, false);
      assert.equal(refusedAgain.code, 1, refusedAgain.out);
      assert.match(refusedAgain.out, new RegExp(`while 1 other management server\\(s\\) are running on this database: \\S+ \\(id ${n1.msid}, 127\\.0\\.0\\.1, version ${vNext.replace(/\./g, '\\.')}, `));
      const forced = await migrateCli(withMigration, tdb.url!, true);
      assert.equal(forced.code, 0, forced.out);
      assert.match(forced.out, /applying migration 9001-upgrade-probe\napplied 1 migration\(s\)/);
      await sql`select count(*) from upgrade_probe_a`.execute(db.kysely);
      assert.equal((await onN1.ok('listVirtualMachines', { id: vms[0]! }))['virtualmachine'][0].state, 'Running', 'N+1 serves on after the forced migration');

      // N+1 is killed: its heartbeat stays fresh for the window (refused), then goes stale (runs unforced).
      await farm.kill(n1);
      const lastSeen = Number((await db.kysely.selectFrom('management_servers').select('last_seen').where('msid', '=', n1.msid).executeTakeFirstOrThrow()).last_seen);
      // Its row still says Up with a recent heartbeat. (The CLI is given a 2-minute window here:
      // with the servers' 10 s one, starting a CLI on this loaded machine can take longer than that.)
      const early = await migrateCli(withTwo, tdb.url!, false, 120_000);
      assert.equal(early.code, 1, early.out);
      assert.match(early.out, new RegExp(`Refusing to apply 1 migration\\(s\\) \\(9002-upgrade-probe\\) while 1 other management server\\(s\\) .*id ${n1.msid}, .*version ${vNext.replace(/\./g, '\\.')}, `));
      await until('the killed server\'s heartbeat is stale', async () => Date.now() > lastSeen + DOWN_AFTER_MS + 200, 60_000, 200);
      const late = await migrateCli(withTwo, tdb.url!, false);
      assert.equal(late.code, 0, late.out);
      assert.match(late.out, /applying migration 9002-upgrade-probe\napplied 1 migration\(s\)/);
      await sql`select count(*) from upgrade_probe_b`.execute(db.kysely);

      // This (older) release refuses to start on the schema the newer one migrated.
      await assert.rejects(farm.addServer(), new RegExp(`exited with 1:[\\s\\S]*This database was migrated by a newer release than this one \\(${VERSION.replace(/\./g, '\\.')}\\): `
        + 'it has 2 migration\\(s\\) this release does not know \\(9001-upgrade-probe, 9002-upgrade-probe\\)'));
      const oldMigrate = await migrateCli({ version: VERSION, bin: farm.servers[0]!.bin, remove: () => undefined }, tdb.url!, false);
      assert.equal(oldMigrate.code, 1, oldMigrate.out);
      assert.match(oldMigrate.out, /This database was migrated by a newer release than this one/);
      // The upgraded release starts on the migrated database and lists the history.
      const n2 = await farm.addServer(withTwo.bin);
      const onN2 = direct(n2);
      const final = (await onN2.ok('listManagementServers'))['managementserver'] as Array<Record<string, string>>;
      assert.deepEqual(final.map((m) => [m['id'], m['state'], m['version']]), [[n.msid, 'Down', VERSION], [n1.msid, 'Down', vNext], [n2.msid, 'Up', vMig2]]);
      console.log(`rolling upgrade (${dialect}): ${VERSION} and ${vNext} side by side with ${HOSTS} hosts through haproxy (${hostsN.length}/${hostsN1.length});`
        + ` 4 cross-server deploys; ${VERSION} stopped, its hosts on ${vNext} ${reconnectMs} ms later; migrate refused three times, forced once, unforced after the heartbeat went stale; ${VERSION} refused to start on the newer schema; ${vMig2} started`);
    });
  });
}
