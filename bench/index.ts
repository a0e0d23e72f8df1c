/**
 * Every bench `npm run bench` knows, as one literal list. A later area adds its bench as
 * `bench/<name>.ts` exporting a `Bench` and appends it here; `npm run bench -- <name>` runs
 * one, no argument runs them all.
 */
import { CORE_BENCH } from './core.js';
import { DOWNLOAD_BENCH } from './download.js';
import { HOSTS_BENCH } from './hosts.js';
import { DEPLOY_BENCH } from './deploy.js';
import { USAGE_BENCH } from './usage.js';
import { SNAPSHOTS_BENCH } from './snapshots.js';
import { ROUTER_APPLY_BENCH } from './router-apply.js';
import { FARM_BENCH } from './farm.js';
import { QEMU_BENCH } from './qemu.js';
import { ROUTERS_BENCH } from './routers.js';

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The target, when it sets one; the run table marks it met or missed. */
  goal?: { op: '<' | '<=' | '>' | '>='; value: number };
  /** How the figure was obtained (runs, medians, parameters). */
  detail?: string;
}

export interface BenchResult {
  metrics: Metric[];
  /** Raw figures kept in the JSON results for later comparison. */
  info?: Record<string, unknown>;
}

export interface Bench {
  /** Short name used on the command line and as the key in bench/results/latest.json. */
  name: string;
  description: string;
  /** Runs the bench; `log` prints a progress line. Must stop every process it started. */
  run(log: (line: string) => void): Promise<BenchResult>;
}

export const BENCHES: Bench[] = [CORE_BENCH, DOWNLOAD_BENCH, DEPLOY_BENCH, HOSTS_BENCH, USAGE_BENCH, SNAPSHOTS_BENCH, ROUTER_APPLY_BENCH, FARM_BENCH, QEMU_BENCH, ROUTERS_BENCH];

export function goalMet(m: Metric): boolean | undefined {
  if (!m.goal) return undefined;
  const { op, value } = m.goal;
  return op === '<' ? m.value < value : op === '<=' ? m.value <= value : op === '>' ? m.value > value : m.value >= value;
}
