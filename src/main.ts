/** `nimbo server | api | db migrate | docs` */
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createApp, writeCredentials, VERSION } from './app.js';
import { openDb } from './db/dialect.js';
import { migrate, pendingMigrations } from './db/migrate.js';
import { ConfigService } from './services/config/config.service.js';
import { UsageJobService } from './services/usage/usage-job.service.js';
import { refuseMigrationsWhileOthersRun, refuseNewerSchema } from './services/farm/upgrade-guard.js';
import { setFlagsFromString } from 'node:v8';

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

async function server(): Promise<void> {
  const started = performance.now();
  const dataDir = resolve(env('NIMBO_DATA_DIR') ?? 'data');
  const app = await createApp({
    dataDir,
    dbUrl: env('NIMBO_DB_URL'),
    port: Number(env('NIMBO_PORT') ?? 8080),
    host: env('NIMBO_HOST') ?? '0.0.0.0',
    adminPassword: env('NIMBO_ADMIN_PASSWORD'),
    logLevel: env('NIMBO_LOG_LEVEL') ?? 'info',
  });
  const { url } = await app.listen();
  const credFile = resolve(dataDir, 'admin-credentials.json');
  if (app.firstStartCredentials) writeCredentials(dataDir, app.firstStartCredentials, url);
  const ms = Math.round(performance.now() - started);
  // bin/nimbo.js kept V8's young generation from growing while the modules loaded and the
  // server started (a burst of short-lived objects that would otherwise leave it at its
  // largest, ~20 MB of resident memory an idle server never uses: issue #2's idle RSS).
  // From here on it grows with the request load as usual (V8's default factor).
  setFlagsFromString('--semi-space-growth-factor=2');
  const lines = [`Nimbo ${VERSION} management server ready in ${ms} ms`, `  API:      ${url}`, `  Database: ${app.db.describe}`];
  if (app.firstStartCredentials) {
    lines.push(`  Log in as admin / ${app.firstStartCredentials.password} (domain ROOT)`, `  API key and secret key written to ${credFile}`);
  } else if (existsSync(credFile)) {
    // The port may differ from the first start's; keep the file's endpoint current for `nimbo api`.
    const creds = JSON.parse(readFileSync(credFile, 'utf8')) as Record<string, string>;
    if (creds['endpoint'] !== url) writeFileSync(credFile, JSON.stringify({ ...creds, endpoint: url }, null, 2) + '\n');
    lines.push(`  Admin credentials: ${credFile}`);
  }
  lines.push(`  Try:      nimbo api listAccounts   (reads ${credFile})`);
  console.log(lines.join('\n'));
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function dbCommand(args: string[]): Promise<void> {
  if (args[0] !== 'migrate' || (args[1] !== undefined && args[1] !== '--force')) throw new Error('usage: nimbo db migrate [--force]');
  const db = openDb(env('NIMBO_DB_URL'), resolve(env('NIMBO_DATA_DIR') ?? 'data'));
  try {
    const force = args[1] === '--force' || env('NIMBO_MIGRATE_FORCE') === '1';
    await refuseNewerSchema(db, VERSION, force);
    await refuseMigrationsWhileOthersRun(db, { downAfterMs: Number(env('NIMBO_FARM_DOWN_AFTER_MS') ?? 30_000), force });
  } catch (err) {
    await db.close();
    throw err;
  }
  const applied = await migrate(db, (m) => console.log(m));
  console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
  await db.close();
}

/**
 * `nimbo usage run`: the usage job once, from the command line (cron, or after downtime): the
 * due periods no server has processed, claimed like the servers' own runs so none is counted twice.
 */
async function usageCommand(args: string[]): Promise<void> {
  if (args[0] !== 'run') throw new Error('usage: nimbo usage run');
  const db = openDb(env('NIMBO_DB_URL'), resolve(env('NIMBO_DATA_DIR') ?? 'data'));
  try {
    if ((await pendingMigrations(db)).length > 0) throw new Error('the database needs migrations first: nimbo db migrate');
    const config = new ConfigService(db);
    await config.load();
    const done = await new UsageJobService(db, config, `cli-${hostname()}-${process.pid}`).runDue();
    for (const p of done) console.log(`${new Date(p.start).toISOString()} – ${new Date(p.end).toISOString()}: ${p.records} records`);
    console.log(done.length ? `aggregated ${done.length} period(s)` : 'no period due');
  } finally {
    await db.close();
  }
}

const USAGE = `usage: nimbo <command>
  server              run the management server (NIMBO_PORT, NIMBO_DATA_DIR, NIMBO_DB_URL)
  agent --server h:p  run a host agent (see nimbo agent --help)
  api <cmd> k=v …     call any API command (signed); --json, --endpoint, --apikey, --secretkey
  db migrate          apply database migrations
  usage run           run the usage job once (the due periods not yet aggregated)
  docs                regenerate docs/api from the command registry
  version             print the version`;

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server':
      return server();
    // The other commands load their modules only when run: the server never needs them.
    case 'agent':
      process.exitCode = await (await import('./agent/cli.js')).agentCli(rest);
      process.exit();
    case 'api':
      process.exitCode = await (await import('./cli/api-cli.js')).runApiCli(rest);
      return;
    case 'db':
      return dbCommand(rest);
    case 'usage':
      return usageCommand(rest);
    case 'docs':
      console.log(`wrote ${(await import('./api/docs.js')).writeDocs(resolve('docs/api'))} files`);
      return;
    case 'version':
    case '--version':
      console.log(VERSION);
      return;
    default:
      console.log(USAGE);
      process.exitCode = cmd ? 1 : 0;
  }
}
