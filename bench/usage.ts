/**
 * Issue #10 bench: one day of usage for 10,000 VMs aggregated by the usage job (SQLite).
 * Each VM is allocated all day, started and stopped `cycles` times, has a root volume, a NIC
 * on a network offering, and every third one a public IP: the intervals the event observer
 * writes for those events are inserted in bulk, then the job runs in a child process that
 * reports its time and peak RSS. Run twice, with 4 and 16 start/stop cycles per VM (four times
 * the events): the same peak shows the job streams intervals rather than loading them.
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

async function seed(file: string, cycles: number): Promise<number> {
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
  await db.close();
  return total;
}

interface ChildResult { ms: number; records: number; periods: number; rssBefore: number; rssPeak: number }

function runJob(file: string): ChildResult {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, file, String(DAY_START + 86_400_000 + 3_600_000)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

export const USAGE_BENCH: Bench = {
  name: 'usage',
  description: 'usage job: one day of 10,000 VMs (allocated, running cycles, volume, NIC, IPs) aggregated; time and peak RSS',
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-bench-usage-'));
    try {
      const results: Array<ChildResult & { cycles: number; intervals: number }> = [];
      for (const cycles of [4, 16]) {
        const file = join(dir, `usage-${cycles}.sqlite`);
        const intervals = await seed(file, cycles);
        log(`${intervals} usage intervals for ${VMS} VMs (${cycles} start/stop cycles each)`);
        const r = runJob(file);
        log(`job: ${r.ms.toFixed(0)} ms, ${r.records} records, RSS ${(r.rssBefore / 2 ** 20).toFixed(0)} → peak ${(r.rssPeak / 2 ** 20).toFixed(0)} MiB`);
        results.push({ ...r, cycles, intervals });
      }
      const [small, big] = results as [typeof results[0], typeof results[0]];
      return {
        metrics: [
          { name: 'usage job, 1 day × 10k VMs', value: small.ms / 1000, unit: 's', goal: { op: '<', value: 10 }, detail: `${small.intervals} intervals → ${small.records} records` },
          { name: 'usage job peak RSS', value: small.rssPeak / 2 ** 20, unit: 'MiB', detail: `child process; ${(small.rssBefore / 2 ** 20).toFixed(0)} MiB before the job` },
          { name: 'usage job, 4× the events', value: big.ms / 1000, unit: 's', detail: `${big.intervals} intervals → ${big.records} records` },
          { name: 'peak RSS growth at 4× the events', value: (big.rssPeak - small.rssPeak) / 2 ** 20, unit: 'MiB', goal: { op: '<', value: 32 }, detail: 'streamed in pages: memory follows resources, not events' },
        ],
        info: { results },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
