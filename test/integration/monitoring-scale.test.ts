/**
 * The statistics collector at scale: one `nimbo agent` process serving 1,000 simulated hosts
 * (NIMBO_STATS_HOSTS) with 5 running VMs each. A round asks every host once and writes the
 * 5,000 samples in batches; the test prints the round's wall time and asserts every host and
 * VM was sampled, every round, within a bound generous for a loaded 2-core machine.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until } from '../helpers/ha-cloud.js';
import { createRegistrationToken } from '../../src/agents/credentials.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));
const HOSTS = Number(process.env['NIMBO_STATS_HOSTS'] ?? 1000);
const VMS_PER_HOST = 5;

for (const dialect of dialectsUnderTest()) {
  describe(`monitoring at scale: ${HOSTS} hosts × ${VMS_PER_HOST} VMs (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let agent: ChildProcess | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-stats-scale-'));

    before(async () => {
      s = await startServer(dialect);
      // Only the rounds the test starts run.
      await s.admin.ok('updateConfiguration', { name: 'vm.stats.interval', value: '86400000' });
      cloud = new HaCloud(s);
      await cloud.init();
      const k = s.app.db.kysely;
      const c = await k.selectFrom('clusters').select(['id', 'pod_id', 'zone_id']).where('uuid', '=', cloud.cluster).executeTakeFirstOrThrow();
      const token = await createRegistrationToken(s.app.db, { zoneId: c.zone_id, podId: c.pod_id, clusterId: c.id });
      agent = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--data-dir', dir, '--hosts', String(HOSTS)], {
        env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: token }, stdio: ['ignore', 'ignore', 'ignore'],
      });
      await until(`${HOSTS} hosts connected`, async () => s.app.services.agents.connectedCount >= HOSTS, 180_000);
      // VM rows straight into the table (a deploy per VM would measure the deployer), then started on their hosts' agents.
      const hostIds = s.app.services.agents.connectedHostIds();
      const first = await k.selectFrom('vm_instances').selectAll().executeTakeFirst();
      const proto = first ?? (await (async () => {
        const id = await cloud.fx.insert('vm_instances', { name: 'proto', instance_name: 'proto', type: 'User', state: 'Running', account_id: 2, domain_id: 1, zone_id: c.zone_id, ha_enabled: 0, update_count: 0, state_changed: Date.now(), removed: null });
        const row = await k.selectFrom('vm_instances').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        await k.deleteFrom('vm_instances').where('id', '=', id).execute();
        return row;
      })());
      const { id: _id, ...base } = proto as Record<string, unknown>;
      const rows: Array<Record<string, unknown> & { host_id: number; instance_name: string }> = [];
      for (const h of hostIds) {
        for (let i = 0; i < VMS_PER_HOST; i++) {
          const name = `i-2-${h}x${i}-VM`;
          rows.push({ ...base, uuid: randomUUID(), name: `s-${h}-${i}`, instance_name: name, display_name: null, state: 'Running', host_id: h, pod_id: c.pod_id, cluster_id: c.id, removed: null });
        }
      }
      for (let i = 0; i < rows.length; i += 200) await k.insertInto('vm_instances').values(rows.slice(i, i + 200) as never).execute();
      let next = 0;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next < rows.length) {
          const r = rows[next++]!;
          const a = await s.app.services.agents.send(r.host_id, { type: 'StartVm', instanceName: r.instance_name, cpus: 1, cpuSpeed: 500, memoryMiB: 256, disks: [] });
          assert.ok(a.result, JSON.stringify(a));
        }
      }));
    });

    after(async () => {
      agent?.kill('SIGKILL');
      await s?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('each round samples every host and VM in batched writes', async () => {
      const times: number[] = [];
      for (let round = 0; round < 3; round++) {
        const r = await s.app.services.stats.collector.collect();
        assert.equal(r.failed, 0);
        assert.equal(r.hosts, HOSTS);
        assert.equal(r.vms, HOSTS * VMS_PER_HOST);
        times.push(r.ms);
      }
      const n = await s.app.db.kysely.selectFrom('vm_stats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 3 * HOSTS * VMS_PER_HOST);
      const hostRows = await s.app.db.kysely.selectFrom('host_stats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(hostRows.n), HOSTS, 'one latest row per host');
      const t0 = performance.now();
      const list = await s.admin.ok('listVirtualMachinesMetrics', { listall: true, page: 1, pagesize: 500 });
      const listMs = performance.now() - t0;
      assert.equal(list['virtualmachine'].length, 500);
      console.log(`# ${dialect}: collector round over ${HOSTS} hosts / ${HOSTS * VMS_PER_HOST} VMs: ${times.join(', ')} ms; listVirtualMachinesMetrics pagesize=500: ${Math.round(listMs)} ms`);
      assert.ok(Math.min(...times) < 30_000, `a round took ${Math.min(...times)} ms`);
    });
  });
}
