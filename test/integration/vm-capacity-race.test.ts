/**
 * The overcommit race: many placements at once at a nearly full cluster, on every database.
 * Each one plans from its own snapshot (all pick the same host first) and reserves under row
 * lock; exactly as many succeed as the cluster has room for, the rest get the 533 tally.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MiB } from '../../src/allocation/capacity.js';
import { reserveFirst } from '../../src/allocation/place.js';
import { insufficientCapacity, plan } from '../../src/allocation/planner.js';
import { loadSnapshot } from '../../src/allocation/snapshot.js';
import { emptyAvoid, type VmRequirements } from '../../src/allocation/types.js';
import { openDb, type Db } from '../../src/db/dialect.js';
import { migrate } from '../../src/db/migrate.js';
import { vmDb } from '../../src/services/vms/contract.js';
import { dialectsUnderTest, freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';

const req = (): VmRequirements => ({
  zoneId: 1, accountId: 2, cpuNumber: 1, cpuSpeed: 500, ramMiB: 256, hypervisor: 'Simulator', hostTag: null, osCategoryId: null,
  disks: [{ bytes: 10 * 1024 ** 3, tags: [] }], avoid: emptyAvoid(), target: {},
});

for (const dialect of dialectsUnderTest()) {
  describe(`overcommit race on ${dialect}`, () => {
    let tdb: TestDatabase;
    let db: Db;
    before(async () => {
      tdb = await freshDatabase(dialect);
      db = openDb(tdb.url, tdb.dataDir);
      await migrate(db);
      const fx = new VmFixtures(db);
      await fx.init();
      const k = { insertInto: (t: string) => ({ values: (v: Record<string, any>) => ({ execute: () => fx.insert(t, v) }) }) };
      const now = Date.now();
      await k.insertInto('zones').values({ uuid: 'z1', name: 'z1', network_type: 'Advanced', allocation_state: 'Enabled', local_storage_enabled: 0, security_group_enabled: 0, dhcp_provider: 'VirtualRouter', zone_token: 't', created: now }).execute();
      await k.insertInto('pods').values({ uuid: 'p1', name: 'p1', zone_id: 1, allocation_state: 'Enabled', created: now }).execute();
      await k.insertInto('clusters').values({ uuid: 'c1', name: 'c1', pod_id: 1, zone_id: 1, hypervisor_type: 'Simulator', cluster_type: 'CloudManaged', allocation_state: 'Enabled', managed_state: 'Managed', arch: 'x86_64', created: now }).execute();
      // Three hosts of 4 × 1000 MHz with 3000 MHz taken: room for 2 VMs of 500 MHz each.
      for (let i = 1; i <= 3; i++) {
        await k.insertInto('hosts').values({
          uuid: `h${i}`, name: `h${i}`, type: 'Routing', zone_id: 1, pod_id: 1, cluster_id: 1, status: 'Up', resource_state: 'Enabled', hypervisor_type: 'Simulator',
          cpus: 4, cpu_speed: 1000, total_memory: 8192 * MiB, cpu_allocated: 3000, memory_allocated: 0, host_tags: null, os_category_id: null, removed: null,
        }).execute();
      }
      // The pool fits 5 disks of 10 GiB (50 GiB + 0.5 GiB slack): the pool runs out before the hosts do.
      await k.insertInto('storage_pools').values({
        uuid: 'sp1', name: 'sp1', zone_id: 1, pod_id: 1, cluster_id: 1, scope: 'CLUSTER', pool_type: 'NetworkFilesystem', url: 'nfs://x/y', path: '/y',
        provider: 'DefaultPrimary', capacity_bytes: 50.5 * 1024 ** 3, used_bytes: 0, allocated_bytes: 0, status: 'Up', managed: 0, created: now,
      }).execute();
    });
    after(async () => {
      await db.close();
      await tdb.drop();
    });

    it('never overcommits a host or a pool: 40 concurrent placements, exactly 5 succeed', async () => {
      const factors = { cpu: 1, mem: 1, storage: 1 };
      const one = async () => {
        const r = req();
        for (let attempt = 0; attempt < 100; attempt++) {
          const snap = await loadSnapshot(db.kysely, 1, 2, factors);
          const p = plan(snap, r, 'firstfit');
          if (p.candidates.length === 0) throw insufficientCapacity('i-2-1-VM', p, 1);
          const c = await reserveFirst(db.kysely, p.candidates, r, factors);
          if (c) return c.host.id;
        }
        throw new Error('gave up');
      };
      const results = await Promise.allSettled(Array.from({ length: 40 }, one));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 5);
      for (const f of failed) assert.match(String(f.reason?.message), /Unable to create a deployment for VM i-2-1-VM: 3 host\(s\) considered; removed by filter: (cpu \d+, )?storage \d+$/);
      const hosts = await vmDb(db.kysely).selectFrom('hosts').select(['cpu_allocated']).execute();
      const total = hosts.reduce((s, h) => s + Number(h.cpu_allocated), 0);
      assert.equal(total, 9000 + 5 * 500);
      for (const h of hosts) assert.ok(Number(h.cpu_allocated) <= 4000, `host at ${h.cpu_allocated} MHz`);
      const pool = await db.kysely.selectFrom('storage_pools').select('allocated_bytes').executeTakeFirstOrThrow();
      assert.equal(Number(pool.allocated_bytes), 5 * 10 * 1024 ** 3);
    });

    it('CPU with cpu.overprovisioning.factor 1.5: 20 concurrent placements, exactly the 13 that fit succeed', async () => {
      await db.kysely.updateTable('storage_pools').set({ allocated_bytes: 0 }).execute();
      // 4 × 1000 × 1.5 = 6000 MHz per host; firstfit left them at 4000/4000/3500 → 2000+2000+2500 free → 13 VMs of 500.
      const factors = { cpu: 1.5, mem: 1, storage: 100 };
      const one = async () => {
        const r = req();
        for (let attempt = 0; attempt < 100; attempt++) {
          const p = plan(await loadSnapshot(db.kysely, 1, 2, factors), r, 'firstfit');
          if (p.candidates.length === 0) throw insufficientCapacity('x', p, 1);
          if (await reserveFirst(db.kysely, p.candidates, r, factors)) return;
        }
        throw new Error('gave up');
      };
      const results = await Promise.allSettled(Array.from({ length: 20 }, one));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 13);
      const hosts = await vmDb(db.kysely).selectFrom('hosts').select(['cpu_allocated']).execute();
      for (const h of hosts) assert.equal(Number(h.cpu_allocated), 6000);
    });

    it('concurrent snapshots share a zone read, yet each sees every change committed before it asked', async () => {
      const factors = { cpu: 1, mem: 1, storage: 1 };
      const cpuOf = (s: Awaited<ReturnType<typeof loadSnapshot>>) => s.hosts.find((h) => h.id === 1)!.cpuAllocated;
      const before = Number((await vmDb(db.kysely).selectFrom('hosts').select('cpu_allocated').where('id', '=', 1).executeTakeFirstOrThrow()).cpu_allocated);
      // A read is under way (not awaited) when the change commits; the snapshot asked for
      // after the commit must not be served by that earlier read.
      const early = loadSnapshot(db.kysely, 1, 2, factors);
      await vmDb(db.kysely).updateTable('hosts').set({ cpu_allocated: before - 100 }).where('id', '=', 1).execute();
      const late = await loadSnapshot(db.kysely, 1, 2, factors);
      assert.equal(cpuOf(late), before - 100);
      assert.ok([before, before - 100].includes(cpuOf(await early)));
      // Many at once: all get the same, current rows.
      const many = await Promise.all(Array.from({ length: 10 }, () => loadSnapshot(db.kysely, 1, 2, factors)));
      for (const s of many) assert.deepEqual(s.hosts.map((h) => h.cpuAllocated), many[0]!.hosts.map((h) => h.cpuAllocated));
      assert.equal(cpuOf(many[0]!), before - 100);
      await vmDb(db.kysely).updateTable('hosts').set({ cpu_allocated: before }).where('id', '=', 1).execute();
    });
  });
}
