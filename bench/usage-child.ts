/**
 * Child process of the `usage` bench: runs the usage job once over the SQLite database given
 * on the command line (its clock one hour into the day after the data) and prints its wall
 * time and the process's RSS before and at its peak as one JSON line. A separate process, so
 * the peak RSS is the job's and not the set-up's.
 */
import pino from 'pino';
import { openDb } from '../src/db/dialect.js';
import { ConfigService } from '../src/services/config/config.service.js';
import { UsageJobService } from '../src/services/usage/usage-job.service.js';

const [file, clock] = process.argv.slice(2);
const db = openDb(`sqlite:${file}`, '.');
const config = new ConfigService(db);
await config.load();
const job = new UsageJobService(db, config, 'bench', pino({ enabled: false }));
job.clock = () => Number(clock);
global.gc?.();
const before = process.memoryUsage().rss;
const t0 = performance.now();
const out = await job.runDue();
const ms = performance.now() - t0;
const records = out.reduce((a, p) => a + p.records, 0);
console.log(JSON.stringify({ ms, records, periods: out.length, rssBefore: before, rssPeak: process.resourceUsage().maxRSS * 1024 }));
await db.close();
