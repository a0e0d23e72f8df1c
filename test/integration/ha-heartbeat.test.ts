/**
 * The heartbeat investigator on shared primary storage (any driver; here simulator agents run
 * with --pool-heartbeat so they write heartbeats as real drivers do). ping.interval 1 s ×
 * ping.timeout 3: a 3 s window.
 * - every host writes `<pool>/.nimbo-heartbeat/<host uuid>` and keeps it fresh;
 * - a host cut off from the server whose heartbeat stays fresh (the test writes it, as the
 *   still-running host would) is Alert but never declared Down: its HA VM is not restarted
 *   elsewhere (a second copy would run);
 * - once the heartbeat goes stale its peer reports it dead, the host is Down and the HA VM
 *   runs on the other host within the window + 30 s.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import type { TestServer } from '../helpers/server.js';
import { startHaCloud, until, type AgentProc, type HaCloud } from '../helpers/ha-cloud.js';
import { HEARTBEAT_DIR, writeHeartbeat } from '../../src/agent/heartbeat.js';

for (const dialect of dialectsUnderTest()) {
  describe(`HA: heartbeats on shared primary storage (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let b: AgentProc;
    let pool = '';
    let hostA = { id: 0, uuid: '' };
    let hostB = { id: 0, uuid: '' };
    let vm = '';

    before(async () => {
      ({ s, cloud } = await startHaCloud(dialect));
      cloud.agentArgs = ['--pool-heartbeat'];
      await cloud.addAgent(1);
      b = await cloud.addAgent(1);
      const k = s.app.db.kysely;
      pool = (await k.selectFrom('storage_pools').select('path').where('removed', 'is', null).executeTakeFirstOrThrow()).path;
      const hosts = await k.selectFrom('hosts').select(['id', 'uuid', 'url']).where('removed', 'is', null).execute();
      hostA = hosts.find((h) => h.url?.startsWith('http://sim/a0/'))!;
      hostB = hosts.find((h) => h.url?.startsWith('http://sim/a1/'))!;
      vm = (await cloud.deploy({ hostid: hostB.uuid }))['virtualmachine'].id;
    });

    after(async () => {
      await cloud?.close();
      await s?.close();
    });

    const beat = (uuid: string) => Number(readFileSync(join(pool, HEARTBEAT_DIR, uuid), 'utf8'));
    const hostState = async (id: number) => (await s.app.db.kysely.selectFrom('hosts').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    it('every host keeps its heartbeat on the shared pool fresh', async () => {
      for (const h of [hostA, hostB]) {
        const first = await until(`heartbeat of ${h.uuid}`, async () => {
          try {
            return beat(h.uuid);
          } catch {
            return undefined;
          }
        });
        await until('a newer heartbeat', async () => beat(h.uuid) > first);
        assert.ok(Date.now() - beat(h.uuid) < 3000);
      }
    });

    it('a host cut off from the server but still beating is never fenced; once its heartbeat is stale it is Down and its HA VM runs elsewhere', async () => {
      await cloud.killAgent(b);
      // The host "still runs": its heartbeat keeps being written while the server cannot reach it.
      let beating = true;
      const writer = (async () => {
        while (beating) {
          await writeHeartbeat([pool], hostB.uuid);
          await new Promise((r) => setTimeout(r, 300));
        }
      })();
      try {
        await until('host B Alert', async () => (await hostState(hostB.id)) === 'Alert', 60_000);
        // Several investigations (one a second) while the heartbeat is fresh.
        const t = Date.now();
        while (Date.now() - t < 5000) {
          assert.equal(await hostState(hostB.id), 'Alert', 'a peer reading a fresh heartbeat keeps the host from being declared Down');
          await new Promise((r) => setTimeout(r, 250));
        }
        const row = await s.app.db.kysely.selectFrom('vm_instances').select(['state', 'host_id']).where('uuid', '=', vm).executeTakeFirstOrThrow();
        assert.deepEqual([row.state, row.host_id], ['Running', hostB.id], 'not restarted elsewhere');
      } finally {
        beating = false;
        await writer;
      }
      const stopped = Date.now();
      await until('the HA VM runs on host A', async () => {
        const r = await s.app.db.kysely.selectFrom('vm_instances').select(['state', 'host_id']).where('uuid', '=', vm).executeTakeFirstOrThrow();
        return r.state === 'Running' && r.host_id === hostA.id;
      }, 33_000);
      assert.equal(await hostState(hostB.id), 'Down');
      assert.ok(Date.now() - stopped <= 33_000);
      const running = await cloud.running();
      const name = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', vm).executeTakeFirstOrThrow()).instance_name;
      assert.deepEqual(running.get(name), [hostA.id]);
    });
  });
}
