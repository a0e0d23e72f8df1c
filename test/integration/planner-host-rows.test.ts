/**
 * The planner's host cache (src/allocation/host-rows.ts) on every database: a snapshot sees
 * allocated capacity written behind its back at once, and every other host change that bumps
 * update_count, also when another management server (another connection) wrote it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadSnapshot } from '../../src/allocation/snapshot.js';
import { openDb, type Db } from '../../src/db/dialect.js';
import { hostTransition } from '../../src/orchestration/state/host-state.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';

const FACTORS = { cpu: 1, mem: 1, storage: 1 };

for (const dialect of dialectsUnderTest()) {
  describe(`planner host cache (${dialect})`, () => {
    let s: TestServer;
    let other: Db;
    let zone = 0;
    let pod = 0;
    let cluster = 0;
    let fx: VmFixtures;
    const hosts: number[] = [];
    const snap = async (db: Db = s.app.db) => new Map((await loadSnapshot(db.kysely, zone, 1, FACTORS, 'firstfit')).hosts.map((h) => [h.id, h]));

    before(async () => {
      s = await startServer(dialect);
      // A second management server's connection to the same database.
      other = openDb(s.db.url ?? `sqlite:${join(s.db.dataDir, 'nimbo.sqlite')}`, s.db.dataDir);
      fx = new VmFixtures(s.app.db);
      await fx.init();
      zone = await fx.insert('zones', { name: 'z', allocation_state: 'Enabled', removed: null });
      pod = await fx.insert('pods', { name: 'p', zone_id: zone, allocation_state: 'Enabled', removed: null });
      cluster = await fx.insert('clusters', { name: 'c', zone_id: zone, pod_id: pod, allocation_state: 'Enabled', removed: null });
      for (let i = 0; i < 3; i++) hosts.push(await fx.host({ zone_id: zone, pod_id: pod, cluster_id: cluster }));
    });
    after(async () => {
      await other.close();
      await s.close();
    });

    it('reads every host, then sees allocated capacity changed without update_count at once', async () => {
      assert.deepEqual([...(await snap()).keys()].sort(), [...hosts].sort());
      await s.app.db.kysely.updateTable('hosts').set({ cpu_allocated: 1234, memory_allocated: 5678 }).where('id', '=', hosts[0]!).execute();
      const h = (await snap()).get(hosts[0]!)!;
      assert.equal(h.cpuAllocated, 1234);
      assert.equal(h.memoryAllocated, 5678);
    });

    it('re-reads a host whose update_count moved: tags and state written by another server, a status transition', async () => {
      await snap();
      await other.kysely.updateTable('hosts').set({ host_tags: 'ssd,gpu', update_count: sql`update_count + 1` }).where('id', '=', hosts[1]!).execute();
      assert.equal(await hostTransition(other.kysely, { id: hosts[2]!, status: 'Up' }, 'PingTimeout'), 'Disconnected');
      const m = await snap();
      assert.deepEqual(m.get(hosts[1]!)!.tags, ['ssd', 'gpu']);
      assert.equal(m.get(hosts[2]!)!.status, 'Disconnected');
    });

    it('follows the cluster state and removed hosts', async () => {
      await other.kysely.updateTable('clusters').set({ allocation_state: 'Disabled' }).where('id', '=', cluster).execute();
      assert.ok([...(await snap()).values()].every((h) => !h.clusterEnabled));
      await other.kysely.updateTable('clusters').set({ allocation_state: 'Enabled' }).where('id', '=', cluster).execute();
      await other.kysely.updateTable('hosts').set({ removed: Date.now() }).where('id', '=', hosts[0]!).execute();
      const m = await snap();
      assert.ok(!m.has(hosts[0]!));
      assert.ok([...m.values()].every((h) => h.clusterEnabled));
    });

    it('follows this server\'s own writes: a new host, a removed one, one moved to another zone, capacity given back', async () => {
      await snap();
      const added = await fx.host({ zone_id: zone, pod_id: pod, cluster_id: cluster, host_tags: 'new' });
      const elsewhere = await fx.insert('zones', { name: 'z2', allocation_state: 'Enabled', removed: null });
      await s.app.db.kysely.updateTable('hosts').set({ removed: Date.now() }).where('id', '=', hosts[1]!).execute();
      await s.app.db.kysely.updateTable('hosts').set({ zone_id: elsewhere }).where('id', '=', hosts[2]!).execute();
      await s.app.db.kysely.updateTable('hosts').set({ cpu_allocated: 0 }).where('id', '=', added).execute();
      const m = await snap();
      assert.deepEqual([...m.keys()], [added]);
      assert.deepEqual(m.get(added)!.tags, ['new']);
      await s.app.db.kysely.updateTable('hosts').set({ cpu_allocated: 77 }).where('id', '=', added).execute();
      assert.equal((await snap()).get(added)!.cpuAllocated, 77);
    });
  });
}
