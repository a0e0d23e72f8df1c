/**
 * Issue #8 benches on real QEMU hosts (TCG, server + two `nimbo agent --driver qemu`, SQLite):
 * - VM start through Nimbo (startVirtualMachine → Running, and → the guest printed its boot
 *   marker) vs the very same qemu-system-x86_64 argument array started by hand (read from the
 *   Nimbo-started guest's /proc/<pid>/cmdline, its state paths moved to a scratch dir).
 * - Live migration of an idle 128 MiB guest through Nimbo (migrateVirtualMachine to the job's
 *   result read over the API) vs by hand: a destination started with -incoming, QMP migrate
 *   with the same parameters, the MIGRATION event on the source, the destination running.
 * Rounds alternate Nimbo and by-hand (migration rounds swap which goes first); medians are
 * compared, over NIMBO_BENCH_MIGRATION_ROUNDS (15) migrations. Both migrations use the same QMP
 * calls and settings (src/drivers/qemu/qemu-migrate.ts). NIMBO_BENCH_QEMU_SKIP_START=1 runs
 * the migration part only.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Qmp } from '../src/drivers/qemu/qmp.js';
import { incomingRunning, migrationEnded, startMigration } from '../src/drivers/qemu/qemu-migrate.js';
import { BOOT_MARKER } from '../src/drivers/qemu/tiny-linux.js';
import { qemuPidsUnder, qemuZone, serialLog, vmDir } from '../test/helpers/qemu-zone.js';
import { until } from '../test/helpers/until.js';
import type { Bench, Metric } from './index.js';
import type { TestServer } from '../test/helpers/server.js';
import { cpuMs, median, sleep } from './harness.js';

/** 0 (default): wait on the job's completion in this process; N: poll every N ms like a client. */
const POLL_MS = Number(process.env['NIMBO_BENCH_JOB_POLL_MS'] ?? 0);
const markers = (log: string) => log.split(BOOT_MARKER).length - 1;

/**
 * Runs an async API command and waits for its job like a client that is told when it ends:
 * the server runs in this process, so the wait is on the job's completion (JobService.settled:
 * its outcome is committed) and the result is then read with one queryAsyncJobResult over the
 * API, the same end condition as a polling client without the wait between its polls. The
 * by-hand baseline learns its end from QMP events, not from a clock either. With
 * NIMBO_BENCH_JOB_POLL_MS=N it polls every N ms instead (each poll is a full API request in
 * this very process, taking CPU from the migration it times on a 2-core machine; 20 ms adds
 * 10 ms on average to each figure).
 */
async function job(s: TestServer, command: string, params: Record<string, string>): Promise<Record<string, any>> {
  const r = await s.admin.ok(command, params);
  if (!POLL_MS) await s.app.services.jobs.settled(r['jobid']);
  for (;;) {
    const j = await s.admin.ok('queryAsyncJobResult', { jobid: r['jobid'] });
    if (j['jobstatus'] === 1) return j['jobresult'];
    if (j['jobstatus'] === 2) throw new Error(`${command} failed: ${JSON.stringify(j['jobresult'])}`);
    await sleep(POLL_MS || 20);
  }
}

function spawnDaemon(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`qemu exited ${code}: ${err}`))));
  });
}

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

async function quit(qmp: string): Promise<void> {
  await Qmp.once(qmp, 'quit').catch(() => undefined);
}

export const QEMU_BENCH: Bench = {
  name: 'qemu',
  description: 'real QEMU hosts (TCG): VM start and live migration of an idle 128 MiB guest, Nimbo vs the same qemu by hand',
  async run(log) {
    const rounds = Number(process.env['NIMBO_BENCH_ROUNDS'] ?? 5);
    // Single migrations of a TCG guest on a shared 2-core machine vary by 2-4x (QEMU's own
    // transfer); the medians of 15 rounds are what stays put from one run to the next.
    const migRounds = Number(process.env['NIMBO_BENCH_MIGRATION_ROUNDS'] ?? 15);
    const z = await qemuZone('sqlite', { memoryMiB: 128 });
    try {
      const { s, dataDirs, ids } = z;
      const vm = await job(s, 'deployVirtualMachine', { zoneid: ids.zone, serviceofferingid: ids.so, templateid: ids.tpl });
      const id = vm['virtualmachine'].id as string;
      const instance = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', id).executeTakeFirstOrThrow()).instance_name;
      const where = () => (['a', 'b'] as const).find((h) => qemuPidsUnder(vmDir(dataDirs[h], instance)).length > 0)!;
      let dir = dataDirs[where()];
      await until('first boot', async () => markers(serialLog(dir, instance)) >= 1, 180_000, 100);
      // The exact command Nimbo ran, with its state paths moved to a scratch dir for the by-hand runs.
      const pid = qemuPidsUnder(vmDir(dir, instance))[0]!;
      const nimboArgs = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1);
      const scratch = join(z.root, 'by-hand');
      mkdirSync(scratch, { recursive: true });
      // The by-hand guests get their own thin clone of the root disk (the Nimbo guest holds its lock).
      const rootDisk = (await s.app.db.kysely.selectFrom('volumes as v').innerJoin('vm_instances as i', 'i.id', 'v.vm_id').select('v.path')
        .where('i.uuid', '=', id).where('v.volume_type', '=', 'ROOT').executeTakeFirstOrThrow()).path!;
      const handDisk = join(scratch, 'root.qcow2');
      const backing = (JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', rootDisk], { encoding: 'utf8' })) as { 'full-backing-filename': string })['full-backing-filename'];
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', 'qcow2', handDisk]);
      const handArgs = (tag: string, incoming?: string) => {
        const args = nimboArgs.map((a) => a.split(vmDir(dir, instance)).join(join(scratch, tag)).split(rootDisk).join(handDisk));
        if (!incoming) return args;
        const i = args.indexOf('-daemonize');
        return [...args.slice(0, i), '-incoming', incoming, ...args.slice(i)];
      };
      const handFiles = (tag: string) => ({ qmp: join(scratch, tag, 'qmp.sock'), log: join(scratch, tag, 'serial.log') });
      await job(s, 'stopVirtualMachine', { id });

      // 1. Start.
      const nimboUp: number[] = [], nimboBoot: number[] = [], handUp: number[] = [], handBoot: number[] = [];
      // Serial logs are appended across starts: a new boot is one more marker in either agent's log.
      const total = () => markers(serialLog(dataDirs.a, instance)) + markers(serialLog(dataDirs.b, instance));
      for (let r = 0; r < (process.env['NIMBO_BENCH_QEMU_SKIP_START'] ? 0 : rounds); r++) {
        const before = total();
        const t0 = performance.now();
        const res = await job(s, 'startVirtualMachine', { id });
        nimboUp.push(performance.now() - t0);
        await until('boot through Nimbo', async () => total() > before, 180_000, 5);
        nimboBoot.push(performance.now() - t0);
        if (res['virtualmachine'].state !== 'Running') throw new Error('not Running');
        await job(s, 'stopVirtualMachine', { id, forced: 'true' });
        const tag = `start-${r}`;
        mkdirSync(join(scratch, tag), { recursive: true });
        const h0 = performance.now();
        await spawnDaemon(handArgs(tag));
        handUp.push(performance.now() - h0);
        await until('boot by hand', async () => { try { return readFileSync(handFiles(tag).log, 'utf8').includes(BOOT_MARKER); } catch { return false; } }, 180_000, 5);
        handBoot.push(performance.now() - h0);
        await quit(handFiles(tag).qmp);
        log(`start round ${r}: Nimbo ${nimboUp.at(-1)!.toFixed(0)} ms to Running, ${nimboBoot.at(-1)!.toFixed(0)} ms to boot; by hand ${handUp.at(-1)!.toFixed(0)} / ${handBoot.at(-1)!.toFixed(0)} ms`);
      }

      // 2. Live migration of the idle guest, back and forth between the agents.
      const before = total();
      await job(s, 'startVirtualMachine', { id });
      await until('boot before migrating', async () => total() > before, 180_000, 50);
      await sleep(2000); // idle
      const hosts = (await s.admin.ok('listHosts', {}))['host'] as Array<{ id: string }>;
      const nimboMig: number[] = [], handMig: number[] = [], handMigOnly: number[] = [];
      const src = 'mig-src';
      mkdirSync(join(scratch, src), { recursive: true });
      await spawnDaemon(handArgs(src));
      await until('by-hand source boot', async () => { try { return readFileSync(handFiles(src).log, 'utf8').includes(BOOT_MARKER); } catch { return false; } }, 180_000, 50);
      await sleep(2000);
      let handSrc = src;
      // CPU per migration: Nimbo's server (with the bench's API client: the same process) and both
      // agents; by hand, this process driving QMP. QEMU's own work is the same on both sides.
      const cpu = { server: 0, agents: 0, hand: 0 };
      const agentsCpu = () => cpuMs(z.agents.a.pid!) + cpuMs(z.agents.b.pid!);
      const nimboRound = async () => {
        const cur = (await s.admin.ok('listVirtualMachines', { id }))['virtualmachine'][0].hostid as string;
        const c0 = { server: cpuMs(process.pid), agents: agentsCpu() };
        const t0 = performance.now();
        await job(s, 'migrateVirtualMachine', { virtualmachineid: id, hostid: hosts.find((h) => h.id !== cur)!.id });
        nimboMig.push(performance.now() - t0);
        cpu.server += cpuMs(process.pid) - c0.server;
        cpu.agents += agentsCpu() - c0.agents;
      };
      const handRound = async (r: number) => {
        const dst = `mig-${r}`;
        const hc0 = cpuMs(process.pid);
        // Picking a free port and making the guest's directory count, as they do for Nimbo's
        // destination (PrepareMigration).
        const h0 = performance.now();
        mkdirSync(join(scratch, dst), { recursive: true });
        const port = await freePort();
        await spawnDaemon(handArgs(dst, `tcp:127.0.0.1:${port}`));
        const m0 = performance.now();
        // The same QMP calls as the driver (src/drivers/qemu/qemu-migrate.ts): same capabilities and
        // parameters, completion from the MIGRATION event, the destination running from RESUME on
        // a connection opened before the migration starts (as the driver's PrepareMigration does).
        const q = await Qmp.connect(handFiles(handSrc).qmp);
        const dq = await Qmp.connect(handFiles(dst).qmp);
        const arrived = incomingRunning(dq, dst, 60_000, { watchedBeforeStart: true });
        arrived.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
        await startMigration(q, { host: '127.0.0.1', port });
        if ((await migrationEnded(q, 60_000)).status !== 'completed') throw new Error('by-hand migration failed');
        handMigOnly.push(performance.now() - m0);
        await arrived;
        handMig.push(performance.now() - h0);
        cpu.hand += cpuMs(process.pid) - hc0;
        dq.close();
        await q.execute('quit').catch(() => undefined);
        q.close();
        handSrc = dst;
      };
      for (let r = 0; r < migRounds; r++) {
        // Which goes first alternates: neither always runs right after the other's source quit.
        if (r % 2 === 0) {
          await nimboRound();
          await handRound(r);
        } else {
          await handRound(r);
          await nimboRound();
        }
        log(`migration round ${r}: Nimbo ${nimboMig.at(-1)!.toFixed(0)} ms; by hand ${handMig.at(-1)!.toFixed(0)} ms (migrate alone ${handMigOnly.at(-1)!.toFixed(0)} ms)`);
      }
      await quit(handFiles(handSrc).qmp);
      await job(s, 'destroyVirtualMachine', { id, expunge: 'true' });
      rmSync(scratch, { recursive: true, force: true });
      const ratio = (a: number[], b: number[]) => median(a) / median(b);
      return {
        metrics: [
          // Without the start part (NIMBO_BENCH_QEMU_SKIP_START) only the migration is reported.
          ...(nimboBoot.length ? ([
            { name: 'VM start to guest booted: Nimbo / by hand', value: ratio(nimboBoot, handBoot), unit: '×', goal: { op: '<=', value: 1.2 }, detail: `medians ${median(nimboBoot).toFixed(0)} / ${median(handBoot).toFixed(0)} ms over ${rounds} rounds, TCG, 128 MiB` },
            { name: 'VM start to Running (qemu up): Nimbo / by hand', value: ratio(nimboUp, handUp), unit: '×', goal: { op: '<=', value: 1.2 }, detail: `medians ${median(nimboUp).toFixed(0)} / ${median(handUp).toFixed(0)} ms (API + job + agent vs the bare daemonize)` },
          ] as Metric[]) : []),
          { name: 'live migration, idle 128 MiB guest: Nimbo / raw QMP', value: ratio(nimboMig, handMig), unit: '×', goal: { op: '<=', value: 1.2 }, detail: `medians ${median(nimboMig).toFixed(0)} / ${median(handMig).toFixed(0)} ms over ${migRounds} rounds (raw = start -incoming + migrate + running; migrate alone ${median(handMigOnly).toFixed(0)} ms)` },
          { name: 'CPU per live migration: Nimbo server + agents', value: (cpu.server + cpu.agents) / migRounds, unit: 'ms', detail: `server (and the bench's API client) ${(cpu.server / migRounds).toFixed(1)} ms, agents ${(cpu.agents / migRounds).toFixed(1)} ms; by hand (this process on QMP) ${(cpu.hand / migRounds).toFixed(1)} ms; QEMU not counted (the same work)` },
        ],
        info: { nimboUp, nimboBoot, handUp, handBoot, nimboMig, handMig, handMigOnly, cpuPerMigrationMs: { server: cpu.server / migRounds, agents: cpu.agents / migRounds, hand: cpu.hand / migRounds } },
      };
    } finally {
      await z.close();
    }
  },
};
