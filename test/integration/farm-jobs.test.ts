/**
 * Job leases in a farm (issue #12): jobs of a server that stopped heartbeating are taken
 * over once their lease runs out — a resumable one is re-run, the others fail with a clear
 * error after their compensation settles the VM they left Starting or Stopping from what its
 * host reports (Running there → Running; not running → Stopped with its capacity given back).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until } from '../helpers/ha-cloud.js';

const FAST = { farmHeartbeatMs: '200', farmDownAfterMs: '3000' };

for (const dialect of dialectsUnderTest().filter((d) => d !== 'sqlite')) {
  describe(`jobs of a dead management server are taken over (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    after(async () => {
      await cloud?.close();
      await s?.close();
    });

    it('resumes the resumable, fails the others and settles their VMs, only after the lease expired', async () => {
      s = await startServer(dialect, { options: FAST });
      cloud = new HaCloud(s);
      await cloud.init();
      await cloud.addAgent(1);
      const k = s.app.db.kysely;
      const vm1 = (await cloud.deploy())['virtualmachine'];
      const vm2 = (await cloud.deploy())['virtualmachine'];
      const victim = await s.newAccount();
      // As a server killed mid-job leaves them: VM1 Starting (but running on its host), VM2
      // Stopping (its host already stopped it), a job for each and a resumable one, all owned
      // by a server whose heartbeat stopped; the leases still run for a moment.
      const ghost = randomUUID();
      await k.insertInto('management_servers').values({ uuid: ghost, msid: ghost, name: 'ghost', service_ip: '10.0.0.9', version: '0.1.0', state: 'Up', last_seen: Date.now() - 60_000, started: Date.now() - 120_000, stopped: null, internal_url: null, internal_key: null }).execute();
      const vmRow = (uuid: string) => k.selectFrom('vm_instances').selectAll().where('uuid', '=', uuid).executeTakeFirstOrThrow();
      const r2 = await vmRow(vm2.id);
      await s.app.services.agents.send(r2.host_id!, { type: 'StopVm', instanceName: r2.instance_name, force: true });
      await k.updateTable('vm_instances').set({ state: 'Starting' }).where('uuid', '=', vm1.id).execute();
      await k.updateTable('vm_instances').set({ state: 'Stopping' }).where('uuid', '=', vm2.id).execute();
      const admin = await k.selectFrom('users').select(['id', 'account_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
      const leaseUntil = Date.now() + 2500;
      const job = (uuid: string, cmd: string, info: Record<string, string>, type: string, inst: string) => ({
        uuid, user_id: admin.id, account_id: admin.account_id, domain_id: 1, cmd, cmd_info: JSON.stringify(info), status: 0, process_status: 0, result_code: 0,
        result_type: null, result: null, instance_type: type, instance_uuid: inst, start_event_id: null, msid: ghost, lease_until: leaseUntil, created: Date.now(), updated: Date.now(), completed: null,
      });
      const [j1, j2, j3] = [randomUUID(), randomUUID(), randomUUID()];
      await k.insertInto('async_jobs').values([
        job(j1, 'startVirtualMachine', { id: vm1.id }, 'VirtualMachine', vm1.id),
        job(j2, 'stopVirtualMachine', { id: vm2.id }, 'VirtualMachine', vm2.id),
        job(j3, 'disableAccount', { id: victim.accountId, lock: 'false' }, 'Account', victim.accountId),
      ]).execute();
      const status = async (uuid: string) => (await s.admin.ok('queryAsyncJobResult', { jobid: uuid }));
      // Not before the lease has run out, though the server is Down.
      await until('the ghost is written Down', async () => (await k.selectFrom('management_servers').select('state').where('msid', '=', ghost).executeTakeFirstOrThrow()).state === 'Down', 20_000);
      if (Date.now() < leaseUntil - 300) assert.equal((await status(j3))['jobstatus'], 0, 'a job is not taken over while its lease runs');
      const done = await until('every job terminal', async () => {
        const all = await Promise.all([j1, j2, j3].map(status));
        return all.every((j) => j['jobstatus'] !== 0) && all;
      }, 60_000);
      assert.ok(Date.now() >= leaseUntil);
      assert.equal(done[2]['jobstatus'], 1, JSON.stringify(done[2]));
      assert.equal((await s.admin.ok('listAccounts', { id: victim.accountId }))['account'][0].state, 'disabled');
      for (const j of done.slice(0, 2)) {
        assert.equal(j['jobstatus'], 2);
        assert.match(j['jobresult'].errortext, /interrupted because the management server stopped/);
      }
      const settled = await until('both VMs settled', async () => {
        const [a, b] = [await vmRow(vm1.id), await vmRow(vm2.id)];
        return a.state !== 'Starting' && b.state !== 'Stopping' && [a, b];
      }, 30_000);
      assert.equal(settled[0].state, 'Running');
      assert.equal(settled[1].state, 'Stopped');
      assert.equal(settled[1].host_id, null);
      // Capacity equals what the running VMs hold: VM1's reservation stands, VM2's was given back.
      const host = await k.selectFrom('hosts').select(['cpu_allocated', 'memory_allocated']).where('id', '=', settled[0].host_id!).executeTakeFirstOrThrow();
      const so = (await s.admin.ok('listServiceOfferings', { id: cloud.so }))['serviceoffering'][0];
      assert.equal(Number(host.cpu_allocated), so.cpunumber * so.cpuspeed);
      assert.equal(Number(host.memory_allocated), so.memory * 1024 * 1024);
      const jobs = await k.selectFrom('async_jobs').select(['uuid', 'msid']).where('uuid', 'in', [j1, j2, j3]).execute();
      assert.ok(jobs.every((j) => j.msid === s.app.services.msid));
      const events = (await s.admin.ok('listEvents', { type: 'VM.STOP', page: 1, pagesize: 500 }))['event'] as Array<{ description: string }>;
      assert.ok(events.some((e) => /was Stopping when its management server stopped/.test(e.description)));
    });
  });
}
