/**
 * Issue #6 bench: 1,000 volumes (root disks of Running VMs on two simulated hosts served by a
 * real `nimbo agent` child process, SQLite), each with an hourly policy keeping 8; a simulated
 * day of schedules is run by ticking the scheduler at each hour (its clock is injectable).
 * Reports the scheduler's server time per tick (claim, decide, allocate 1,000 due runs) and
 * snapshots/s for the snapshots themselves (primary → backup → off primary, plus retention).
 * The VM and volume rows are written directly (deploying 1,000 VMs is the deploy bench's job).
 */
import { randomUUID } from 'node:crypto';
import { SYSTEM_CALLER } from '../src/services/vms/area.js';
import { snapshotZone } from '../test/helpers/snapshot-zone.js';
import type { Bench } from './index.js';

const HOUR = 3_600_000;
const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export const SNAPSHOTS_BENCH: Bench = {
  name: 'snapshots',
  description: '1,000 volumes with an hourly policy, a simulated day: scheduler server time per tick, snapshots/s',
  async run(log) {
    const n = Number(process.env['NIMBO_BENCH_VOLUMES'] ?? 1000);
    const hours = Number(process.env['NIMBO_BENCH_HOURS'] ?? 24);
    const z = await snapshotZone('sqlite');
    try {
      const { s, fx } = z;
      const k = s.app.db.kysely;
      const hosts = (await k.selectFrom('hosts').select(['id', 'pod_id', 'cluster_id']).where('status', '=', 'Up').execute());
      const pool = await k.selectFrom('storage_pools').select(['id', 'path']).executeTakeFirstOrThrow();
      const admin = await k.selectFrom('accounts').select(['id', 'domain_id']).where('account_name', '=', 'admin').executeTakeFirstOrThrow();
      const so = await k.selectFrom('service_offerings').select('id').where('uuid', '=', z.so).executeTakeFirstOrThrow();
      const tpl = await k.selectFrom('templates').select(['id', 'guest_os_id']).where('uuid', '=', z.tpl).executeTakeFirstOrThrow();
      const volumeIds: number[] = [];
      for (let i = 0; i < n; i++) {
        const h = hosts[i % hosts.length]!;
        const vm = await fx.insert('vm_instances', {
          uuid: randomUUID(), name: `bench-${i}`, instance_name: `i-${admin.id}-${i}-VM`, type: 'User', state: 'Running', account_id: admin.id, domain_id: admin.domain_id,
          zone_id: z.zoneDbId, pod_id: h.pod_id, cluster_id: h.cluster_id, host_id: h.id, last_host_id: h.id, service_offering_id: so.id, template_id: tpl.id,
          guest_os_id: tpl.guest_os_id, state_changed: Date.now(), created: Date.now(), removed: null,
        });
        const uuid = randomUUID();
        volumeIds.push(await fx.insert('volumes', {
          uuid, name: `ROOT-${vm}`, volume_type: 'ROOT', state: 'Ready', account_id: admin.id, domain_id: admin.domain_id, zone_id: z.zoneDbId, pool_id: pool.id,
          vm_id: vm, device_id: 0, template_id: tpl.id, size: 2 * 1024 ** 3, path: `${pool.path}/${uuid}`, created: Date.now(), removed: null,
        }));
      }
      for (const id of volumeIds) {
        await s.app.services.snapshotPolicies.create(SYSTEM_CALLER, { volumeid: id, intervaltype: 'HOURLY', schedule: '00', timezone: 'UTC', maxsnaps: 8 });
      }
      log(`${n} volumes with an hourly policy (keep 8) on ${hosts.length} simulated hosts`);
      const sched = s.app.services.snapshotScheduler;
      const first = Number((await k.selectFrom('snapshot_policies').select((eb) => eb.fn.min('next_run').as('t')).executeTakeFirstOrThrow()).t);
      const tickMs: number[] = [];
      const tickCpuMs: number[] = [];
      let taken = 0;
      let drainMs = 0;
      for (let h = 0; h < hours; h++) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        const r = await sched.tick(first + h * HOUR);
        tickMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const c = process.cpuUsage(c0);
        tickCpuMs.push((c.user + c.system) / 1000);
        if (r.claimed !== n || r.queued !== n) log(`hour ${h}: claimed ${r.claimed}, queued ${r.queued}, skipped ${r.skipped}, failed ${r.failed}`);
        const d0 = process.hrtime.bigint();
        await sched.drain();
        drainMs += Number(process.hrtime.bigint() - d0) / 1e6;
        taken += r.queued;
        log(`hour ${h}: tick ${tickMs.at(-1)!.toFixed(0)} ms (cpu ${tickCpuMs.at(-1)!.toFixed(0)} ms), ${r.queued} snapshots queued`);
      }
      const backedUp = Number((await k.selectFrom('snapshots').select((eb) => eb.fn.countAll().as('n')).where('state', 'in', ['BackedUp', 'Destroyed']).executeTakeFirstOrThrow()).n);
      const live = Number((await k.selectFrom('snapshots').select((eb) => eb.fn.countAll().as('n')).where('removed', 'is', null).executeTakeFirstOrThrow()).n);
      const perSec = backedUp / (drainMs / 1000);
      log(`${backedUp} of ${taken} snapshots backed up in ${(drainMs / 1000).toFixed(1)} s (${perSec.toFixed(1)}/s); ${live} kept by retention`);
      return {
        metrics: [
          // The goal is server time: the CPU the server process spends in a tick (the wall
          // time also waits for SQLite's disk and for a machine shared with other work).
          { name: `scheduler server CPU per tick, ${n} due policies (max)`, value: Math.max(...tickCpuMs), unit: 'ms', goal: { op: '<', value: 1000 }, detail: `p50 ${pct(tickCpuMs, 50).toFixed(0)} ms over ${hours} ticks` },
          { name: `scheduler tick wall time, ${n} due policies (p50)`, value: pct(tickMs, 50), unit: 'ms', detail: `max ${Math.max(...tickMs).toFixed(0)} ms (first tick, cold)` },
          { name: 'snapshots/s (primary → backup → off primary, retention)', value: perSec, unit: 'snapshots/s', detail: `${backedUp} snapshots, 8 at a time, SQLite, ${hosts.length} hosts` },
        ],
        info: { tickMs, tickCpuMs, taken, backedUp, live, drainMs },
      };
    } finally {
      await z.close();
    }
  },
};
