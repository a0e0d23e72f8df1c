/**
 * `npm run bench [-- <name> …]`: runs the named benches (default: all of BENCHES), prints
 * one table, and writes `bench/results/latest.json` (gitignored). Results of benches not
 * run this time are kept in that file, so each area's latest figures sit side by side.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCHES, goalMet, type Bench, type BenchResult } from './index.js';
import { ROOT } from './harness.js';

interface StoredResult extends BenchResult {
  at: string;
  node: string;
  cpus: number;
  loadavg: number[];
  ok: boolean;
}

function pick(args: string[]): Bench[] {
  if (args.length === 0) return BENCHES;
  return args.map((a) => {
    const b = BENCHES.find((x) => x.name === a);
    if (!b) throw new Error(`unknown bench "${a}"; known: ${BENCHES.map((x) => x.name).join(', ')}`);
    return b;
  });
}

/** A plain aligned table; the last column is never cut. */
function table(rows: Record<string, string>[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === vals.length - 1 ? v : v.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c]!)))].join('\n');
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

async function main(): Promise<number> {
  const benches = pick(process.argv.slice(2).filter((a) => !a.startsWith('-')));
  const file = join(ROOT, 'bench', 'results', 'latest.json');
  const stored: Record<string, StoredResult> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const rows: Record<string, string>[] = [];
  let allOk = true;
  for (const b of benches) {
    console.error(`== bench ${b.name}: ${b.description}`);
    const r = await b.run((line) => console.error(`   ${line}`));
    let ok = true;
    for (const m of r.metrics) {
      const met = goalMet(m);
      if (met === false) ok = false;
      rows.push({
        bench: b.name, metric: m.name, value: `${fmt(m.value)} ${m.unit}`,
        goal: m.goal ? `${m.goal.op} ${m.goal.value} ${m.unit}` : '', met: met === undefined ? '' : met ? 'yes' : 'NO', detail: m.detail ?? '',
      });
    }
    allOk &&= ok;
    stored[b.name] = { ...r, at: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavg: loadavg(), ok };
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(stored, null, 2) + '\n');
  console.log(table(rows));
  console.log(`\nresults written to ${file}`);
  return allOk ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  },
);
