/**
 * Issue #10 bench: one day of usage for 10,000 VMs aggregated by the usage job (SQLite).
 * Each VM is allocated all day, started and stopped `cycles` times, has a root volume, a NIC
 * on a network offering, and every third one a public IP: the intervals the event observer
 * writes for those events are inserted in bulk, then the job runs in a child process that
 * reports its time and peak RSS. Run twice, with 4 and 16 start/stop cycles per VM (four times
 * the events): the same peak shows the job streams intervals rather than loading them.
 * A third run adds network bytes: every third VM's network has a router sampled every 5
 * minutes (router.stats.interval's default), each sample a byte-count row, 288 a day per router.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../src/db/dialect.js';
import { migrate } from '../src/db/migrate.js';
import type { Bench } from './index.js';

const CHILD = fileURLToPath(new URL('./usage-child.js', import.meta.url));
const DAY_START = Date.UTC(2026, 2, 10);
const VMS = 10_000;
/** One isolated network (and router) per three VMs, sampled every 5 minutes all day. */
const ROUTERS = Math.ceil(VMS / 3);
const SAMPLES = 288;

async function seedNetworkBytes(db: ReturnType<typeof openDb>): Promise<number> {
  let rows: Array<Record<string, unknown>> = [];
  let total = 0;
  for (let s = 0; s < SAMPLES; s++) {
    for (let r = 0; r < ROUTERS; r++) {
      rows.push({ account_id: 2 + ((r * 3) % 500), domain_id: 1, zone_uuid: 'zone', network_uuid: `net-${r}`, at_ms: DAY_START + s * 300_000 + (r % 300) * 1000, sent: 1000 + r, received: 4000 + s });
      if (rows.length === 1000) {
        for (let i = 0; i < rows.length; i += 500) await db.kysely.insertInto('usage_network_bytes').values(rows.slice(i, i + 500) as never).execute();
        total += rows.length;
        rows = [];
      }
    }
  }
  for (let i = 0; i < rows.length; i += 500) await db.kysely.insertInto('usage_network_bytes').values(rows.slice(i, i + 500) as never).execute();
  return total + rows.length;
}

async function seed(file: string, cycles: number, withTraffic: boolean): Promise<{ intervals: number; samples: number }> {
  const db = openDb(`sqlite:${file}`, '.');
  await migrate(db);
  let rows: Array<Record<string, unknown>> = [];
  let total = 0;
  const flush = async () => {
    for (let i = 0; i < rows.length; i += 500) await db.kysely.insertInto('usage_intervals').values(rows.slice(i, i + 500) as never).execute();
    total += rows.length;
    rows = [];
  };
  const step = 86_400_000 / (cycles * 2 + 1);
  for (let v = 0; v < VMS; v++) {
    const vm = `00000000-0000-4000-8000-${String(v).padStart(12, '0')}`;
    const base = { account_id: 2 + (v % 500), domain_id: 1, zone_uuid: 'zone', vm_uuid: vm, name: `vm-${v}`, offering_uuid: 'so', template_uuid: 'tpl', size: null, extra: '{"cpunumber":1,"cpuspeed":1000,"memory":1024,"type":"KVM"}' };
    rows.push({ ...base, usage_type: 2, usage_id: vm, start_ms: DAY_START - 3_600_000, end_ms: null });
    for (let c = 0; c < cycles; c++) {
      const on = DAY_START + (2 * c + 1) * step + (v % 1000);
      rows.push({ ...base, usage_type: 1, usage_id: vm, start_ms: on, end_ms: on + step });
    }
    rows.push({ ...base, usage_type: 6, usage_id: `vol-${v}`, size: 8 * 1024 ** 3, extra: '{"type":"ROOT"}', start_ms: DAY_START - 3_600_000, end_ms: null });
    rows.push({ ...base, usage_type: 13, usage_id: `nic-${v}`, offering_uuid: 'net-off', extra: '{"isdefault":true}', start_ms: DAY_START - 3_600_000, end_ms: null });
    if (v % 3 === 0) rows.push({ ...base, usage_type: 3, usage_id: `ip-${v}`, name: `10.${v >> 8}.${v & 255}.1`, extra: '{"issourcenat":false}', start_ms: DAY_START + 1000 * v, end_ms: null });
    if (rows.length >= 5000) await flush();
  }
  await flush();
  const samples = withTraffic ? await seedNetworkBytes(db) : 0;
  await db.close();
  return { intervals: total, samples };
}

interface ChildResult { ms: number; records: number; periods: number; rssBefore: number; rssPeak: number }

function runJob(file: string): ChildResult {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, file, String(DAY_START + 86_400_000 + 3_600_000)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

export const USAGE_BENCH: Bench = {
  name: 'usage',
  description: 'usage job: one day of 10,000 VMs (allocated, running cycles, volume, NIC, IPs, router traffic) aggregated; time and peak RSS',
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-bench-usage-'));
    try {
      const results: Array<ChildResult & { cycles: number; intervals: number; samples: number }> = [];
      for (const [cycles, traffic] of [[4, false], [16, false], [4, true]] as const) {
        const file = join(dir, `usage-${cycles}-${traffic}.sqlite`);
        const { intervals, samples } = await seed(file, cycles, traffic);
        log(`${intervals} usage intervals for ${VMS} VMs (${cycles} start/stop cycles each), ${samples} router byte samples`);
        const r = runJob(file);
        log(`job: ${r.ms.toFixed(0)} ms, ${r.records} records, RSS ${(r.rssBefore / 2 ** 20).toFixed(0)} → peak ${(r.rssPeak / 2 ** 20).toFixed(0)} MiB`);
        results.push({ ...r, cycles, intervals, samples });
      }
      const [small, big, traffic] = results as [typeof results[0], typeof results[0], typeof results[0]];
      return {
        metrics: [
          { name: 'usage job, 1 day × 10k VMs', value: small.ms / 1000, unit: 's', goal: { op: '<', value: 10 }, detail: `${small.intervals} intervals → ${small.records} records` },
          { name: 'usage job peak RSS', value: small.rssPeak / 2 ** 20, unit: 'MiB', detail: `child process; ${(small.rssBefore / 2 ** 20).toFixed(0)} MiB before the job` },
          { name: 'usage job, 4× the events', value: big.ms / 1000, unit: 's', detail: `${big.intervals} intervals → ${big.records} records` },
          { name: 'usage job with router traffic', value: traffic.ms / 1000, unit: 's', detail: `${traffic.intervals} intervals + ${traffic.samples} byte samples (${ROUTERS} routers × ${SAMPLES}) → ${traffic.records} records, peak RSS ${(traffic.rssPeak / 2 ** 20).toFixed(0)} MiB` },
          { name: 'peak RSS growth at 4× the events', value: (big.rssPeak - small.rssPeak) / 2 ** 20, unit: 'MiB', goal: { op: '<', value: 32 }, detail: 'streamed in pages: memory follows resources, not events' },
        ],
        info: { results },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
