/**
 * Management server restart with real agents (issue #9, "Management server outage"): the
 * server process is closed and a new one is started on the same database, data directory and
 * agent port while the agents keep running.
 * - guests keep running: every VM keeps its state and host, and no VM is started, stopped or
 *   run twice (asked of every agent), no VM.START event is written by the new server;
 * - hosts reconnect and are Up again;
 * - a start in flight (held in the agent by a `wait:` mock) when the server stopped does not
 *   leave its job pending or its VM Starting: the job ends and the VM's state matches what its
 *   host runs;
 * - HA works in the new process: a host killed afterwards has its HA VMs restarted elsewhere.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { ApiClient, type TestServer } from '../helpers/server.js';
import { startHaCloud, until, type AgentProc, type HaCloud } from '../helpers/ha-cloud.js';
import { createApp } from '../../src/app.js';

for (const dialect of dialectsUnderTest()) {
  describe(`management server restart (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let a: AgentProc;
    let b: AgentProc;
    let hostA = '';
    let hostB = '';
    let restartedAt = 0;
    let pendingJob = '';
    let pendingVm = '';
    let initial: Array<{ uuid: string; instance_name: string; state: string; host_id: number | null }> = [];

    const vmRows = () => s.app.db.kysely.selectFrom('vm_instances').select(['uuid', 'instance_name', 'state', 'host_id']).where('removed', 'is', null).where('type', '=', 'User').orderBy('id').execute();

    before(async () => {
      ({ s, cloud } = await startHaCloud(dialect));
      a = await cloud.addAgent(1);
      b = await cloud.addAgent(1);
      const hosts = await s.app.db.kysely.selectFrom('hosts').select(['uuid', 'url']).where('removed', 'is', null).execute();
      hostA = hosts.find((h) => h.url?.startsWith('http://sim/a0/'))!.uuid;
      hostB = hosts.find((h) => h.url?.startsWith('http://sim/a1/'))!.uuid;
      for (const h of [hostA, hostB]) {
        await cloud.deploy({ hostid: h });
        await cloud.deploy({ hostid: h });
      }
      // The VM whose start will be in flight: deployed stopped, then started on B with a slow StartVm.
      pendingVm = (await cloud.deploy({ hostid: hostB, startvm: false }))['virtualmachine'].id;
      initial = await vmRows();
    });

    after(async () => {
      await cloud?.close();
      await s?.app.close().catch(() => undefined);
      await s?.db.drop();
    });

    it('the restarted server finds every guest where it was, with nothing started twice, and its hosts Up again', async () => {
      await s.admin.ok('configureSimulator', { zoneid: cloud.zone, hostid: hostB, name: 'StartCommand', value: 'wait:4000', count: 1 });
      pendingJob = (await s.admin.ok('startVirtualMachine', { id: pendingVm, hostid: hostB }))['jobid'];
      const held = Date.now() + 4000;
      await until('the start is in flight', async () => (await s.app.db.kysely.selectFrom('vm_instances').select('state').where('uuid', '=', pendingVm).executeTakeFirstOrThrow()).state === 'Starting');
      const agentPort = s.app.services.agents.port;
      await s.app.close();
      restartedAt = Date.now();
      const app = await createApp({
        dataDir: s.db.dataDir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false,
        options: { agentPort: String(agentPort), agentHost: '127.0.0.1', demoZone: 'false' },
      });
      const { port } = await app.listen();
      const endpoint = `http://127.0.0.1:${port}/client/api`;
      // The helper and the test keep using `s`: point it at the new process.
      Object.assign(s, { app, port, endpoint, admin: new ApiClient({ ...s.admin.opts, endpoint }) });

      const t1 = Date.now();
      await until('both hosts Up on the new server', async () => {
        const hs = (await s.admin.ok('listHosts', { clusterid: cloud.cluster }))['host'] as Array<Record<string, any>>;
        return hs.length === 2 && hs.every((h) => h['state'] === 'Up') && s.app.services.agents.connectedCount === 2;
      }, 60_000);
      console.log(`# ${dialect}: both hosts Up ${Date.now() - t1} ms after the new server listened`);
      const j = await until('the interrupted job has ended', async () => {
        const r = (await s.admin.ok('queryAsyncJobResult', { jobid: pendingJob }));
        return r['jobstatus'] !== 0 && r;
      }, 60_000);
      // Resumed or failed with a clear error: never left pending.
      if (j['jobstatus'] === 2) assert.match(String(j['jobresult']['errortext']), /\S/);

      // The agent finishes the held StartVm after the server gave up on it: the VM then runs on B
      // while the server has it Stopped, until a heartbeat report has the copy killed.
      while (Date.now() < held + 500) await new Promise((r) => setTimeout(r, 200));
      let after = await vmRows();
      await until('every VM runs exactly where the server says', async () => {
        const running = await cloud.running();
        after = await vmRows();
        return after.every((r) => (r.state === 'Running' ? running.get(r.instance_name)?.length === 1 && running.get(r.instance_name)![0] === r.host_id : running.get(r.instance_name) === undefined));
      }, 30_000);
      const pending = after.find((v) => v.uuid === pendingVm)!;
      assert.ok(['Running', 'Stopped'].includes(pending.state));
      for (const b0 of initial.filter((v) => v.uuid !== pendingVm)) {
        const now = after.find((v) => v.uuid === b0.uuid)!;
        assert.deepEqual([now.state, now.host_id], [b0.state, b0.host_id], `${b0.instance_name} untouched by the restart`);
      }
      const starts = await s.app.db.kysely.selectFrom('events').select(['resource_uuid', 'description']).where('type', '=', 'VM.START').where('created', '>=', restartedAt)
        .where('resource_uuid', 'in', initial.filter((v) => v.uuid !== pendingVm).map((v) => v.uuid)).execute();
      assert.deepEqual(starts, [], 'no VM was started again');
    });

    it('HA works in the new process: a host killed after the restart has its HA VMs run elsewhere', async () => {
      const k = s.app.db.kysely;
      const hb = (await k.selectFrom('hosts').select('id').where('uuid', '=', hostB).executeTakeFirstOrThrow()).id;
      const ha = await k.selectFrom('vm_instances').select(['id', 'instance_name']).where('host_id', '=', hb).where('state', '=', 'Running').where('ha_enabled', '=', 1).execute();
      assert.ok(ha.length >= 2, `${ha.length} HA VMs on B`);
      await cloud.killAgent(b);
      await until('HA VMs of B running on A', async () => {
        const rows = await k.selectFrom('vm_instances').select(['state', 'host_id']).where('id', 'in', ha.map((v) => v.id)).execute();
        return rows.every((r) => r.state === 'Running' && r.host_id !== hb);
      }, 60_000);
      const running = await cloud.running();
      for (const v of ha) assert.equal(running.get(v.instance_name)?.length, 1, `${v.instance_name} runs once`);
      assert.ok(a.child, 'host A kept its agent');
    });
  });
}
