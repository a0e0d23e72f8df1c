/**
 * The farm's "done means" (issue #12), on PostgreSQL and MariaDB: three `nimbo server`
 * processes on one database behind haproxy, simulated hosts whose agent knows all three, a
 * stream of deploy/stop/destroy from several clients through haproxy; one server is killed
 * with SIGKILL mid-stream. Then: its hosts reconnect to the others, every job ends terminal,
 * no VM is left transitional, the hosts' allocated capacity equals what their VMs hold, and
 * every job's Scheduled event has its Completed one. The counts are printed.
 * NIMBO_FARM_HOSTS (default 1,000) and NIMBO_FARM_ROUNDS (default 6 per client) size it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../../src/db/dialect.js';
import { dialectsUnderTest, freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { Farm } from '../helpers/farm.js';
import { ApiClient } from '../helpers/server.js';
import { until } from '../helpers/until.js';

const HOSTS = Number(process.env['NIMBO_FARM_HOSTS'] ?? 1000);
const CLIENTS = 4;
const ROUNDS = Number(process.env['NIMBO_FARM_ROUNDS'] ?? 6);
const TRANSITIONAL = ['Starting', 'Stopping', 'Migrating', 'Expunging'];

for (const dialect of dialectsUnderTest().filter((d) => d !== 'sqlite')) {
  describe(`management server farm failover (${dialect})`, () => {
    let tdb: TestDatabase;
    let farm: Farm;
    let db: Db;
    after(async () => {
      await farm?.close();
      await db?.close();
      await tdb?.drop();
    });

    it(`three servers behind haproxy, ${HOSTS} hosts, ${CLIENTS} clients; kill -9 one mid-stream and nothing is lost`, { timeout: 900_000 }, async () => {
      tdb = await freshDatabase(dialect);
      farm = new Farm(tdb.url!, { NIMBO_FARM_HEARTBEAT_MS: '500', NIMBO_FARM_DOWN_AFTER_MS: '6000' });
      await farm.addServer();
      await farm.addServer();
      await farm.addServer();
      await farm.startHaproxy();
      const admin = farm.admin;
      db = openDb(tdb.url, tdb.dataDir);

      const ms = (await admin.ok('listManagementServers'))['managementserver'] as Array<{ id: string; state: string }>;
      assert.deepEqual(ms.map((m) => m.state), ['Up', 'Up', 'Up']);

      // A login on one server is a session on every server (no sticky balancing needed).
      const loginRes = await fetch(`http://127.0.0.1:${farm.servers[0]!.apiPort}/client/api`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'command=login&username=admin&password=password&response=json' });
      const sessionkey = ((await loginRes.json()) as { loginresponse: { sessionkey: string } }).loginresponse.sessionkey;
      const sid = /JSESSIONID=([^;]+)/.exec(loginRes.headers.getSetCookie().join('; '))![1]!;
      for (const s of farm.servers) {
        const r = await fetch(`http://127.0.0.1:${s.apiPort}/client/api?command=listManagementServers&response=json&sessionkey=${encodeURIComponent(sessionkey)}`, { headers: { cookie: `JSESSIONID=${sid}; sessionkey=${sessionkey}` } });
        assert.equal(r.status, 200, `session from ${farm.servers[0]!.name} on ${s.name}`);
      }

      // Slow hypervisors, so that jobs are in flight on the server when it dies.
      const { zone, so, tpl, joinMs } = await farm.zone(db, HOSTS, { StartVm: 'wait:1500', StopVm: 'wait:800' });
      const spread = await db.kysely.selectFrom('hosts').select(['mgmt_server_id']).where('status', '=', 'Up').execute();
      const per = new Map<string, number>();
      for (const h of spread) per.set(h.mgmt_server_id!, (per.get(h.mgmt_server_id!) ?? 0) + 1);
      assert.equal(per.size, 3, 'hosts are spread over the three servers');
      const victim = farm.servers[1]!;
      const victimHosts = per.get(victim.msid)!;

      // Tenants through haproxy.
      const clients: ApiClient[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const acct = (await admin.ok('createAccount', { username: `farm${i}`, password: 'secret-pw', email: `farm${i}@example.com`, firstname: 'F', lastname: 'U', accounttype: 0 }))['account'];
        const keys = (await admin.ok('registerUserKeys', { id: acct.user[0].id }))['userkeys'];
        clients.push(new ApiClient({ endpoint: admin.opts.endpoint, apiKey: keys.apikey, secretKey: keys.secretkey }));
      }
      const tally = { calls: 0, refused: 0, jobsOk: 0, jobsFailed: 0 };
      const failures = new Map<string, number>();
      let completedOps = 0;
      let killedAt = 0;
      let reconnected: Promise<number> | undefined;
      const killAfter = Math.floor((CLIENTS * ROUNDS * 3) / 3);
      const step = async (cl: ApiClient, cmd: string, params: Record<string, string | boolean>): Promise<Record<string, any> | undefined> => {
        tally.calls++;
        const r = await cl.call(cmd, params).catch(() => undefined);
        if (!r || r.status !== 200 || typeof r.inner['jobid'] !== 'string') {
          tally.refused++;
          return undefined;
        }
        const j = await until(`job ${r.inner['jobid']}`, async () => {
          const q = await cl.call('queryAsyncJobResult', { jobid: r.inner['jobid'] }).catch(() => undefined);
          return q?.status === 200 && q.inner['jobstatus'] !== 0 && q.inner;
        }, 300_000, 250);
        if (j['jobstatus'] === 1) tally.jobsOk++;
        else {
          tally.jobsFailed++;
          failures.set(`${cmd}: ${String(j['jobresult']?.errortext).replace(/[0-9a-f-]{36}|\b\d+\b/g, '#')}`, (failures.get(`${cmd}: ${String(j['jobresult']?.errortext).replace(/[0-9a-f-]{36}|\b\d+\b/g, '#')}`) ?? 0) + 1);
        }
        if (++completedOps === killAfter) {
          killedAt = Date.now();
          void farm.kill(victim);
          // When its hosts are all Up again on the others (polled from the kill on).
          reconnected = until('the killed server\'s hosts back', async () => {
            const rows = await db.kysely.selectFrom('hosts').select(['status', 'mgmt_server_id']).where('removed', 'is', null).execute();
            return rows.every((h) => h.status === 'Up' && h.mgmt_server_id !== victim.msid) && Date.now() - killedAt;
          }, 300_000, 250);
        }
        return j['jobstatus'] === 1 ? j['jobresult'] : undefined;
      };
      await Promise.all(clients.map(async (cl) => {
        for (let r = 0; r < ROUNDS; r++) {
          const vm = (await step(cl, 'deployVirtualMachine', { zoneid: zone, serviceofferingid: so, templateid: tpl }))?.['virtualmachine'];
          if (!vm) continue;
          // Every other VM stays running: capacity must still add up for those at the end.
          if (r % 2 === 1) continue;
          await step(cl, 'stopVirtualMachine', { id: vm.id });
          await step(cl, 'destroyVirtualMachine', { id: vm.id });
        }
      }));
      assert.ok(killedAt > 0, 'the server was killed mid-stream');

      // Its hosts came back on the other two.
      const back = await until('every host Up on a live server', async () => {
        const rows = await db.kysely.selectFrom('hosts').select(['status', 'mgmt_server_id']).where('removed', 'is', null).execute();
        return rows.every((h) => h.status === 'Up' && h.mgmt_server_id !== victim.msid) && rows;
      }, 300_000, 500);
      const reconnectMs = await reconnected!;
      assert.equal(back.length, HOSTS);
      // Within the hosts' heartbeat window (ping.interval 60 s × ping.timeout 2.5): no host was lost meanwhile.
      assert.ok(reconnectMs < 150_000, `hosts back after ${reconnectMs} ms`);
      // Every job terminal, no VM transitional.
      const inProgress = await until('no job in progress', async () => {
        const n = Number((await db.kysely.selectFrom('async_jobs').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 0).executeTakeFirstOrThrow()).n);
        return n === 0 && 'none';
      }, 300_000, 500);
      const stuck = await until('no VM transitional', async () => {
        const rows = await db.kysely.selectFrom('vm_instances').select(['state']).where('removed', 'is', null).where('state', 'in', TRANSITIONAL).execute();
        return rows.length === 0 && 'none';
      }, 300_000, 500);
      // Capacity equals allocation: each host holds exactly its placed VMs' CPU and memory.
      const hostRows = await db.kysely.selectFrom('hosts').select(['id', 'cpu_allocated', 'memory_allocated']).where('removed', 'is', null).execute();
      const vms = await db.kysely.selectFrom('vm_instances').select(['state', 'host_id']).where('removed', 'is', null).execute();
      const placed = new Map<number, number>();
      for (const v of vms) if (v.host_id !== null) placed.set(v.host_id, (placed.get(v.host_id) ?? 0) + 1);
      const mismatched = hostRows.filter((h) => Number(h.cpu_allocated) !== (placed.get(h.id) ?? 0) * 500 || Number(h.memory_allocated) !== (placed.get(h.id) ?? 0) * 512 * 1024 * 1024);
      // No event lost: every job's Scheduled event has its Completed one.
      const jobs = await db.kysely.selectFrom('async_jobs').select(['status', 'start_event_id', 'msid']).execute();
      const completed = await db.kysely.selectFrom('events').select('start_id').where('state', '=', 'Completed').where('start_id', 'is not', null).execute();
      const closed = new Set(completed.map((e) => e.start_id));
      const orphanEvents = jobs.filter((j) => j.start_event_id !== null && !closed.has(j.start_event_id)).length;
      const byState = new Map<string, number>();
      for (const v of vms) byState.set(v.state, (byState.get(v.state) ?? 0) + 1);
      const taken = jobs.filter((j) => j.msid !== victim.msid).length;
      console.log(`farm failover (${dialect}): 3 servers behind haproxy, ${HOSTS} simulated hosts joined in ${joinMs} ms (${[...per.values()].join('/')} per server), ${CLIENTS} clients × ${ROUNDS} rounds;`
        + ` killed ${victim.name} (${victimHosts} hosts) after ${killAfter} jobs; all hosts back Up on the others ${reconnectMs} ms after the kill;`
        + ` API calls ${tally.calls} (${tally.refused} refused or cut), jobs ${jobs.length} (succeeded ${jobs.filter((j) => j.status === 1).length}, failed ${jobs.filter((j) => j.status === 2).length}, in progress ${jobs.filter((j) => j.status === 0).length}, finished by the survivors ${taken});`
        + ` VMs ${[...byState].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}, transitional ${stuck === 'none' ? 0 : '?'};`
        + ` hosts whose allocation ≠ their VMs ${mismatched.length}; jobs without Completed event ${orphanEvents}`);
      for (const [why, n] of failures) console.log(`  failed job ×${n}: ${why}`);
      assert.equal(inProgress, 'none');
      assert.deepEqual(mismatched, []);
      assert.equal(orphanEvents, 0);
      const after = await until('the killed server listed Down', async () => {
        const l = (await admin.ok('listManagementServers'))['managementserver'] as Array<{ id: string; state: string }>;
        return l.find((m) => m.id === victim.msid)!.state === 'Down' && l;
      }, 60_000, 500);
      assert.equal(after.filter((m) => m.state === 'Up').length, 2);
    });
  });
}
