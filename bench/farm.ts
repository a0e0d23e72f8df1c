/**
 * Issue #12 bench: deploy throughput (API call → Running) through haproxy with one, two and
 * three `nimbo server` processes on one PostgreSQL database, in one run, onto simulated hosts
 * whose agent knows every server. The profile says where the time went: CPU seconds of the
 * server processes, of PostgreSQL's processes (all of the machine's: other sessions share it),
 * of the agent and of haproxy, against the wall time, and the CPU the whole machine spent
 * meanwhile (other sessions' share shows how loaded it was). NIMBO_BENCH_FARM_HOSTS (200),
 * NIMBO_BENCH_FARM_DEPLOYS (600), NIMBO_BENCH_FARM_INFLIGHT (32).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { openDb } from '../src/db/dialect.js';
import { freshDatabase } from '../test/helpers/databases.js';
import { Farm } from '../test/helpers/farm.js';
import type { Bench, Metric } from './index.js';
import { cpuMs, envNumber } from './harness.js';

/** CPU ms of every process whose command name is `name`. */
function cpuOf(name: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) total += cpuMs(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/** CPU ms the whole machine has spent busy (all cores, /proc/stat: everything but idle and iowait). */
function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const busy = f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0);
  return (busy * 1000) / 100;
}

const IDLE_MS = 10_000;

async function run(servers: number, hosts: number, deploys: number, inFlight: number, log: (l: string) => void) {
  const tdb = await freshDatabase('postgres');
  const farm = new Farm(tdb.url!);
  const db = openDb(tdb.url, tdb.dataDir);
  try {
    for (let i = 0; i < servers; i++) await farm.addServer();
    await farm.startHaproxy();
    const z = await farm.zone(db, hosts);
    log(`${servers} server(s): ${hosts} hosts Up in ${z.joinMs} ms`);
    // What the servers spend with nothing to do (heartbeats, scheduler ticks, their hosts' pings):
    // on a loaded machine the deploys take longer, and this background then weighs on each deploy.
    const idle0 = farm.servers.map((s) => cpuMs(s.child.pid!));
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idlePerSec = farm.servers.reduce((a, s, i) => a + cpuMs(s.child.pid!) - idle0[i]!, 0) / (IDLE_MS / 1000);
    const srvCpu0 = farm.servers.map((s) => cpuMs(s.child.pid!));
    const pg0 = cpuOf('postgres');
    const helpers = () => [farm.haproxy!, ...farm.agents].reduce((a, c) => a + cpuMs(c.pid!), 0);
    const other0 = helpers();
    const machine0 = machineBusyMs();
    let next = 0;
    let failed = 0;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < deploys) {
        next++;
        const j = await farm.admin.job('deployVirtualMachine', { zoneid: z.zone, serviceofferingid: z.so, templateid: z.tpl });
        if (j['jobstatus'] !== 1) failed++;
      }
    }));
    const wallMs = Date.now() - t0;
    const srvCpu = farm.servers.map((s, i) => cpuMs(s.child.pid!) - srvCpu0[i]!);
    const pg = cpuOf('postgres') - pg0;
    const srvTotal = srvCpu.reduce((a, b) => a + b, 0);
    const other = helpers() - other0;
    const machine = machineBusyMs() - machine0;
    return { perSec: deploys / (wallMs / 1000), failed, wallMs, srvCpu, srvTotal, pg, other, machine, deploys, idlePerSec };
  } finally {
    await farm.close();
    await db.close();
    await tdb.drop();
  }
}

export const FARM_BENCH: Bench = {
  name: 'farm',
  description: 'Deploys/s through haproxy with 1, 2 and 3 management servers on one PostgreSQL database, and where the CPU went',
  async run(log) {
    const hosts = envNumber('NIMBO_BENCH_FARM_HOSTS', 200);
    const deploys = envNumber('NIMBO_BENCH_FARM_DEPLOYS', 600);
    const inFlight = envNumber('NIMBO_BENCH_FARM_INFLIGHT', 32);
    const metrics: Metric[] = [];
    const results: Array<Awaited<ReturnType<typeof run>>> = [];
    for (const n of [1, 2, 3]) {
      const r = await run(n, hosts, deploys, inFlight, log);
      results.push(r);
      const s = (ms: number) => (ms / 1000).toFixed(1);
      const per = (ms: number) => (ms / r.deploys).toFixed(0);
      const ours = r.srvTotal + r.pg + r.other;
      const profile = `wall ${s(r.wallMs)} s; CPU s: servers ${s(r.srvTotal)} (${r.srvCpu.map(s).join(' + ')}), PostgreSQL ${s(r.pg)}, agent+haproxy ${s(r.other)}`
        + `; per deploy ms: servers ${per(r.srvTotal)} (${per(Math.max(0, r.srvTotal - (r.idlePerSec * r.wallMs) / 1000))} beyond their idle ${r.idlePerSec.toFixed(0)} ms/s), PostgreSQL ${per(r.pg)}; machine busy ${s(r.machine)} of ${s(r.wallMs * cpus().length)} CPU s, other sessions ${s(Math.max(0, r.machine - ours))}`;
      log(`${n} server(s): ${deploys} deploys, ${inFlight} in flight: ${r.perSec.toFixed(1)} VMs/s (${r.failed} failed); ${profile}`);
      metrics.push({ name: `deploys/s, ${n} server(s) (PostgreSQL, haproxy, ${hosts} hosts, ${inFlight} in flight)`, value: r.perSec, unit: 'VMs/s', detail: `${deploys} deploys, ${r.failed} failed; ${profile}` });
    }
    for (const n of [2, 3]) metrics.push({ name: `throughput ratio ${n} servers / 1 server`, value: results[n - 1]!.perSec / results[0]!.perSec, unit: '×' });
    return { metrics, info: { results } };
  },
};
