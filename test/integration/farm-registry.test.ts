/**
 * The management server farm (issue #12), first pieces: servers sharing a PostgreSQL or
 * MariaDB database register and heartbeat (listManagementServers), a silent one is Down,
 * schedulers' leases go to exactly one server, and SQLite refuses a second server.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, VERSION, type App } from '../../src/app.js';
import pino from 'pino';
import { SchedulerLeases } from '../../src/services/farm/leases.js';
import { StatsCollector } from '../../src/services/monitoring/stats-collector.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';
import { refuseMigrationsWhileOthersRun } from '../../src/services/farm/upgrade-guard.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

const FAST = { farmHeartbeatMs: '200', farmDownAfterMs: '3000' };

for (const dialect of dialectsUnderTest().filter((d) => d !== 'sqlite')) {
  describe(`management server farm registry (${dialect})`, () => {
    let s: TestServer;
    let b: App | undefined;
    const dirs: string[] = [];
    after(async () => {
      await b?.close();
      await s?.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('lists every server sharing the database with its heartbeat state, and a silent one as Down', async () => {
      s = await startServer(dialect, { options: FAST });
      const dir = mkdtempSync(join(tmpdir(), 'nimbo-farm-b-'));
      dirs.push(dir);
      b = await createApp({ dataDir: dir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort: '0', agentHost: '127.0.0.1', demoZone: 'false', ...FAST } });
      await b.listen();
      const list = (await s.admin.ok('listManagementServers'))['managementserver'] as Array<Record<string, any>>;
      assert.equal(list.length, 2);
      assert.deepEqual(list.map((m) => m.state), ['Up', 'Up']);
      assert.ok(list.every((m) => m.version === VERSION && m.ipaddress === '127.0.0.1' && m.serviceip === '127.0.0.1' && m.lastserverstart));
      assert.deepEqual(new Set(list.map((m) => m.id)), new Set([s.app.services.msid, b.services.msid]));
      const withPeers = (await s.admin.ok('listManagementServers', { id: b.services.msid, peers: true }))['managementserver'];
      assert.equal(withPeers.length, 1);
      assert.equal(withPeers[0].peers.length, 1);
      assert.equal(withPeers[0].peers[0].peerid, s.app.services.msid);
      assert.equal(withPeers[0].peers[0].peerstate, 'Up');

      // The heartbeat keeps last_seen moving.
      const seen = async () => Number((await s.app.db.kysely.selectFrom('management_servers').select('last_seen').where('msid', '=', b!.services.msid).executeTakeFirstOrThrow()).last_seen);
      const first = await seen();
      await until('a second heartbeat', async () => (await seen()) > first, 20_000, 100);

      // A server whose heartbeat stops (as after kill -9) turns Down once the window passes.
      const ghostId = randomUUID();
      await s.app.db.kysely.insertInto('management_servers').values({ uuid: ghostId, msid: ghostId, name: 'ghost', service_ip: '10.0.0.9', version: '0.0.9', state: 'Up', last_seen: Date.now() - 60_000, started: Date.now() - 120_000, stopped: null, internal_url: null, internal_key: null }).execute();
      const ghost = (await s.admin.ok('listManagementServers', { id: ghostId }))['managementserver'][0];
      assert.equal(ghost.state, 'Down');
      assert.equal(ghost.version, '0.0.9');
      await until('the heartbeat writes the ghost Down', async () => (await s.app.db.kysely.selectFrom('management_servers').select('state').where('msid', '=', ghostId).executeTakeFirstOrThrow()).state === 'Down', 20_000, 100);

      // An orderly stop says Down with the stop time.
      const bId = b.services.msid;
      await b.close();
      b = undefined;
      const stopped = (await s.admin.ok('listManagementServers', { id: bId }))['managementserver'][0];
      assert.equal(stopped.state, 'Down');
      assert.ok(stopped.lastserverstop);
      // Not for users.
      const user = await s.newAccount();
      assert.equal((await user.call('listManagementServers')).status, 432);
    });

    it('refuses pending migrations while another server runs, unless forced', async () => {
      const k = s.app.db.kysely as any;
      // As if this code brought a migration the running server's database has not had yet.
      await k.deleteFrom('nimbo_migrations').where('name', '=', '0017-farm').execute();
      try {
        const dir = mkdtempSync(join(tmpdir(), 'nimbo-farm-up-'));
        dirs.push(dir);
        await assert.rejects(
          createApp({ dataDir: dir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort: '0', demoZone: 'false', ...FAST } }),
          new RegExp(`Refusing to apply 1 migration\\(s\\) \\(0017-farm\\) while 1 other management server\\(s\\) are running on this database: \\S+ \\(id ${s.app.services.msid}, 127\\.0\\.0\\.1, version ${VERSION.replace(/\./g, '\\.')}, last heartbeat \\d+ s ago\\)\\. Stop them first .*NIMBO_MIGRATE_FORCE=1`),
        );
        await refuseMigrationsWhileOthersRun(s.app.db, { downAfterMs: 3000, force: true });
        // The running server itself may (its own row does not count).
        await refuseMigrationsWhileOthersRun(s.app.db, { msid: s.app.services.msid, downAfterMs: 3000, force: false });
      } finally {
        await k.insertInto('nimbo_migrations').values({ name: '0017-farm', applied: Date.now() }).execute();
      }
    });

    it('accepts forwarded agent commands only when signed with its key and fresh', async () => {
      const url = `http://127.0.0.1:${s.port}/internal/agent-command`;
      const body = JSON.stringify({ from: 'peer', ts: Date.now(), hostId: 424242, timeoutMs: 1000, cmd: { type: 'GetVmStates' } });
      const post = (b: string, key: string) => fetch(url, { method: 'POST', body: b, headers: { 'content-type': 'text/plain', 'x-nimbo-signature': createHmac('sha256', key).update(b).digest('base64url') } });
      assert.equal((await post(body, 'not-the-key')).status, 401);
      const key = s.app.services.farm.internalKey;
      const stale = JSON.stringify({ from: 'peer', ts: Date.now() - 3_600_000, hostId: 424242, timeoutMs: 1000, cmd: { type: 'GetVmStates' } });
      assert.equal((await post(stale, key)).status, 400);
      // Signed and fresh: run here, on this server's own session (there is none for this host).
      const r = await post(body, key);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { error: { kind: 'ResourceUnavailable', message: 'Host 424242 is not connected' } });
      // The key other servers sign with is published in this server's row, and never through the API.
      const row = await s.app.db.kysely.selectFrom('management_servers').select(['internal_key', 'internal_url']).where('msid', '=', s.app.services.msid).executeTakeFirstOrThrow();
      assert.equal(row.internal_key, key);
      assert.equal(row.internal_url, `http://127.0.0.1:${s.port}`);
      assert.ok(!JSON.stringify(await s.admin.ok('listManagementServers', { peers: true })).includes(key));
    });

    it('gives each scheduler lease to exactly one server until it expires or is released', async () => {
      const db = s.app.db;
      const a = new SchedulerLeases(db, 'server-a', 1000);
      const c = new SchedulerLeases(db, 'server-c', 1000);
      const t0 = Date.now();
      // Both race for a lease that does not exist yet, many times over: one winner.
      const firsts = await Promise.all([...Array(10)].map((_, i) => (i % 2 ? a : c).holds('race', t0)));
      const winners = new Set(firsts.map((won, i) => (won ? (i % 2 ? 'a' : 'c') : '')).filter(Boolean));
      assert.equal(winners.size, 1, JSON.stringify(firsts));
      const [holder, other] = winners.has('a') ? [a, c] : [c, a];
      assert.equal(await other.holds('race', t0 + 500), false);
      assert.equal(await holder.holds('race', t0 + 600), true);
      // The holder stops renewing (it died): once expired the other takes it, and the old holder has lost it.
      assert.equal(await other.holds('race', t0 + 1700), true);
      assert.equal(await holder.holds('race', t0 + 1800), false);
      // An orderly stop releases at once.
      await other.releaseAll();
      assert.equal(await holder.holds('race', t0 + 1900), true);
      const rows = await db.kysely.selectFrom('scheduler_leases').selectAll().where('name', '=', 'race').execute();
      assert.equal(rows.length, 1);
      // The running server holds its real schedulers (HA, alerts).
      await until('the HA and alert schedulers hold their leases', async () => {
        const held = await db.kysely.selectFrom('scheduler_leases').select(['name', 'holder']).where('holder', '=', s.app.services.msid).execute();
        const names = new Set(held.map((r) => r.name));
        return names.has('ha') && names.has('alerts');
      }, 20_000, 100);
    });

    it('prunes statistics on the stats-prune lease holder only', async () => {
      const db = s.app.db;
      const mine = s.app.services.stats.collector;
      await mine.collect();
      const holder = async () => (await db.kysely.selectFrom('scheduler_leases').select('holder').where('name', '=', 'stats-prune').executeTakeFirst())?.holder;
      assert.equal(await holder(), s.app.services.msid);
      const old = Date.now() - 2 * 86_400_000;
      await db.kysely.insertInto('vm_stats').values({ vm_id: 987654, host_id: 0, timestamp: old, cpu_used: 1, memory_kbs: 1, memory_int_free_kbs: null, memory_target_kbs: null, network_read_kbs: 0, network_write_kbs: 0, disk_read_kbs: 0, disk_write_kbs: 0, disk_read_ios: null, disk_write_ios: null }).execute();
      // Another server's collector, as the monitoring area builds it: its round collects but leaves the cleanup to the holder.
      const leasesX = new SchedulerLeases(db, 'server-x', 3000);
      const theirs = new StatsCollector(db, s.app.services.agents, s.app.services.config, pino({ level: 'silent' }), () => leasesX.holds('stats-prune'));
      assert.equal((await theirs.collect()).pruned, 0);
      assert.equal((await mine.collect()).pruned, 1);
    });

    it('runs the template download worker on its lease holder only: a server starting leaves the downloads in progress alone', async () => {
      const k = s.app.db.kysely;
      await until('this server holds the template-downloads lease', async () => (await k.selectFrom('scheduler_leases').select('holder').where('name', '=', 'template-downloads').executeTakeFirst())?.holder === s.app.services.msid, 20_000, 100);
      const fx = new VmFixtures(s.app.db);
      await fx.init();
      const t = await fx.template(999);
      await k.updateTable('template_store_refs').set({ download_state: 'DOWNLOAD_IN_PROGRESS' }).where('template_id', '=', t.id).execute();
      const dir = mkdtempSync(join(tmpdir(), 'nimbo-farm-c-'));
      dirs.push(dir);
      const c = await createApp({ dataDir: dir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort: '0', agentHost: '127.0.0.1', demoZone: 'false', templatePollMs: '100', ...FAST } });
      try {
        await c.listen();
        await new Promise((r) => setTimeout(r, 1500));
        const lease = await k.selectFrom('scheduler_leases').select('holder').where('name', '=', 'template-downloads').executeTakeFirstOrThrow();
        assert.equal(lease.holder, s.app.services.msid);
        const ref = await k.selectFrom('template_store_refs').select('download_state').where('template_id', '=', t.id).executeTakeFirstOrThrow();
        assert.equal(ref.download_state, 'DOWNLOAD_IN_PROGRESS', 'the new server restarted a download the holder has in progress');
      } finally {
        await c.close();
        await k.deleteFrom('template_store_refs').where('template_id', '=', t.id).execute();
        await k.deleteFrom('templates').where('id', '=', t.id).execute();
      }
    });
  });
}

if (dialectsUnderTest().includes('sqlite')) {
  describe('SQLite serves a single management server', () => {
    let s: TestServer;
    after(async () => s?.close());
    it('refuses a second server on the same database file with a clear message, and allows it after the first stops', async () => {
      s = await startServer('sqlite');
      await assert.rejects(
        createApp({ dataDir: s.db.dataDir, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort: '0', demoZone: 'false' } }),
        /Another nimbo server \(pid \d+\) is already using the SQLite database .*nimbo\.sqlite.*PostgreSQL or MariaDB/,
      );
      await s.app.close();
      const again = await createApp({ dataDir: s.db.dataDir, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort: '0', agentHost: '127.0.0.1', demoZone: 'false' } });
      await again.listen();
      assert.equal((await again.db.kysely.selectFrom('management_servers').select('state').executeTakeFirstOrThrow()).state, 'Up');
      await again.close();
      s.app.close = async () => undefined;
    });
  });
}
