/**
 * Issue #7 bench: 2,000 accounts, each with an isolated network, a second public IP, ten port
 * forwards and an LB rule (two members), their routers Running on simulator hosts served by a
 * real `nimbo agent` child process. The management server is then restarted (closed and a new
 * one opened over the same database and agent port) and the bench times
 *  - restart → every router's document re-pushed and acknowledged (the agent reconnects with
 *    its back-off, each host's connection triggers the re-push of its routers), and
 *  - one full re-push (`routerPusher.pushAll({ force: true })`: render every document from the
 *    database and send it to its host, acknowledgements recorded): the goal.
 * NIMBO_BENCH_ACCOUNTS (default 2000), NIMBO_BENCH_HOSTS (20), NIMBO_BENCH_DB (sqlite).
 * Seeding uses direct inserts; the routers are started by RouterService.start (the planner).
 */
import { createApp, type App } from '../src/app.js';
import { DIALECTS, type DialectName } from '../src/db/dialect.js';
import { SYSTEM_CALLER } from '../src/services/vms/area.js';
import { startServer } from '../test/helpers/server.js';
import { VmFixtures } from '../test/helpers/vm-fixtures.js';
import { guestZone, type GuestZone } from '../test/helpers/guest-zone.js';
import { envNumber, freePort, median, sleep } from './harness.js';
import type { Bench } from './index.js';
import { seedRouterAccounts } from './routers-seed.js';

async function waitFor(what: string, f: () => Promise<boolean>, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !(await f());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const ROUTERS_BENCH: Bench = {
  name: 'routers',
  description: '2,000 accounts (network, IP, 10 port forwards, LB rule each): render + push every router document after a management-server restart',
  async run(log) {
    const accounts = envNumber('NIMBO_BENCH_ACCOUNTS', 2000);
    const hostCount = envNumber('NIMBO_BENCH_HOSTS', 20);
    const dialect = (process.env['NIMBO_BENCH_DB'] ?? 'sqlite') as DialectName;
    if (!DIALECTS.includes(dialect)) throw new Error(`NIMBO_BENCH_DB must be one of ${DIALECTS.join(', ')}`);
    const agentPort = String(await freePort());
    const s = await startServer(dialect, { options: { agentPort } });
    let g: GuestZone | undefined;
    let app2: App | undefined;
    try {
      g = await guestZone(s, {
        hosts: hostCount, vlans: '1000-3999', cpus: 128, memoryMiB: 262_144,
        // Two addresses per account from one /19.
        publicRange: { gateway: '100.64.0.1', netmask: '255.255.224.0', startip: '100.64.0.10', endip: '100.64.31.250' },
      });
      const k = s.app.db.kysely;
      const zoneId = g.zoneId;
      const fx = new VmFixtures(s.app.db);
      const t0 = performance.now();
      const routerIds = await seedRouterAccounts(s.app.db, {
        zoneId, accounts, forwards: 10, serviceOfferingId: (await k.selectFrom('service_offerings').select('id').where('uuid', '=', g.so).executeTakeFirstOrThrow()).id,
        routerOfferingId: (await s.app.services.serviceOfferings.systemOffering('domainrouter')).id, guestOsId: await fx.guestOs(),
      }, log);
      log(`seeded ${accounts} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const t1 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < routerIds.length) await s.app.services.routers.start(SYSTEM_CALLER, routerIds[next++]!);
      }));
      log(`${routerIds.length} routers started (planner, StartVm, first push) in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

      // Restart: a new management server over the same database and agent port.
      await s.app.close();
      const restartAt = Date.now();
      const t2 = performance.now();
      app2 = await createApp({ dataDir: s.db.dataDir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort, agentHost: '127.0.0.1', demoZone: 'false' } });
      await app2.listen();
      const readyMs = performance.now() - t2;
      const k2 = app2.db.kysely;
      const pushedSince = async (at: number) => Number((await k2.selectFrom('domain_routers').select((eb) => eb.fn.countAll().as('c')).where('removed', 'is', null).where('applied_at', '>=', at).executeTakeFirstOrThrow()).c);
      let firstMs = 0;
      await waitFor('every router re-pushed after the restart', async () => {
        const c = await pushedSince(restartAt);
        if (c > 0 && !firstMs) firstMs = performance.now() - t2;
        return c === routerIds.length;
      }, 300_000);
      const restartMs = performance.now() - t2;
      log(`restart → all ${routerIds.length} documents acknowledged: ${(restartMs / 1000).toFixed(2)} s (server ready ${readyMs.toFixed(0)} ms)`);

      // The measured figure: render every document from the database and push it (all hosts connected).
      const runs: number[] = [];
      for (let r = 0; r < 3; r++) {
        const at = Date.now();
        const t = performance.now();
        const res = await app2.services.routerPusher.pushAll({ force: true });
        runs.push(performance.now() - t);
        if (res.pushed !== routerIds.length || (await pushedSince(at)) !== routerIds.length) throw new Error(`pushAll: ${JSON.stringify(res)}`);
      }
      const pushAllMs = median(runs);
      const n = routerIds.length;
      // Rendering alone, per document (the database snapshot is loaded in batches, then rendered).
      const netIds = (await k2.selectFrom('domain_routers').select('network_id').where('removed', 'is', null).execute()).map((x) => x.network_id);
      const t3 = performance.now();
      const docs = await app2.services.networks.routerDocuments(netIds);
      const loadMs = performance.now() - t3;
      const sample = docs.values().next().value as Record<string, any>;
      if (docs.size !== n || sample['portForwards'].length !== 10 || sample['loadBalancers'][0].members.length !== 2) throw new Error('unexpected documents');
      log(`pushAll runs: ${runs.map((x) => x.toFixed(0)).join(', ')} ms; load+render of ${docs.size} documents: ${loadMs.toFixed(0)} ms; document size ${JSON.stringify(sample).length} bytes`);
      return {
        metrics: [
          { name: `render + push all ${n} router documents`, value: pushAllMs, unit: 'ms', goal: { op: '<', value: 10_000 }, detail: `median of 3 pushAll(force) runs, ${hostCount} simulator hosts, ${label(dialect)}` },
          { name: 'per router document (render + push)', value: pushAllMs / n, unit: 'ms', goal: { op: '<', value: 5 }, detail: 'pushAll time / routers' },
          { name: 'per router document (load + render only)', value: loadMs / n, unit: 'ms', detail: `routerDocuments() for all ${n} networks` },
          { name: `restart → all ${n} documents acknowledged`, value: restartMs / 1000, unit: 's', detail: `server ready ${readyMs.toFixed(0)} ms, first document acknowledged at ${firstMs.toFixed(0)} ms (the agent reconnects with back-off)` },
        ],
        info: { accounts, hostCount, dialect, runs, loadMs, restartMs, readyMs },
      };
    } finally {
      g?.close();
      if (app2) await app2.close();
      else await s.app.close().catch(() => undefined);
      await s.db.drop();
    }
  },
};

const label = (d: DialectName) => ({ sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MariaDB' })[d];
