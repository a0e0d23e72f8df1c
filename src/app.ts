/**
 * Composition root: opens the database, migrates, seeds, wires every service and the API,
 * and starts listening. Nothing else constructs services.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { openDb, type Db } from './db/dialect.js';
import { migrate } from './db/migrate.js';
import { QueryTemplate } from './db/prepared.js';
import { ENTITY_TABLES, type EntityName } from './api/entities.js';
import type { UuidResolver } from './api/params.js';
import { registry, type Registry } from './api/registry.js';
import { Dispatcher } from './api/dispatcher.js';
import { ApiHandler } from './api/api-handler.js';
import { buildApiServer, buildIntegrationServer } from './api/server.js';
import { registerUi } from './ui/serve-ui.js';
import { ConfigService } from './services/config/config.service.js';
import { EventService } from './services/events/event.service.js';
import { EventQueryService } from './services/events/event-query.service.js';
import { Scoper } from './services/identity/scope.js';
import { DomainService } from './services/identity/domain.service.js';
import { AccountService } from './services/identity/account.service.js';
import { UserService } from './services/identity/user.service.js';
import { AuthService } from './services/identity/auth.service.js';
import { RoleService } from './services/identity/role.service.js';
import { localPasswordAuthenticator } from './services/identity/authenticators.js';
import { JobService } from './services/jobs/job.service.js';
import { seedCore, type AdminCredentials } from './services/identity/seed.js';
import type { CoreServices, Services } from './services/index.js';
import { AREAS } from './areas.js';
import type { Lifecycle } from './area.js';
import { ManagementServerRegistry, advertisedAddress } from './services/farm/registry.service.js';
import { SchedulerLeases } from './services/farm/leases.js';
import { lockSqliteFile } from './services/farm/sqlite-lock.js';
import { refuseMigrationsWhileOthersRun, refuseNewerSchema } from './services/farm/upgrade-guard.js';

/**
 * This release's version, from its package.json: what `nimbo version` prints and each server
 * publishes in its `management_servers` row, so that a farm mid-upgrade shows which server
 * runs which release (a packaged build, or a test's copy of one, says its own).
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface AppOptions {
  dataDir: string;
  dbUrl?: string | undefined;
  port?: number;
  host?: string;
  adminPassword?: string | undefined;
  /** pino level, or false for silence (tests). */
  logLevel?: string | false;
  /** Area options (e.g. agentPort, demoZone); see each area. */
  options?: Record<string, string | undefined>;
}

export interface App {
  db: Db;
  services: Services;
  registry: Registry;
  api: ApiHandler;
  http: FastifyInstance;
  /** Set on the very first start only. */
  firstStartCredentials: AdminCredentials | null;
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/**
 * A UUID parameter's row id, per table a template (several per deploy, issue #5 bench). A
 * row's uuid never changes, so on SQLite the answer may come from the read cache.
 */
const ID_BY_UUID = new QueryTemplate<{ id: number }>((k, $, table) => (k as any).selectFrom(table).select('id').where('uuid', '=', $('uuid')), { cacheRows: true, maxShapes: 128 });

function resolverFor(db: Db): UuidResolver {
  return async (entity: EntityName, uuid: string) => {
    const [row] = await ID_BY_UUID.execute(db.kysely, ENTITY_TABLES[entity], { uuid });
    return row ? Number(row.id) : undefined;
  };
}

export async function createApp(opts: AppOptions): Promise<App> {
  mkdirSync(opts.dataDir, { recursive: true });
  const logger = opts.logLevel === false ? pino({ level: 'silent' }) : pino({ level: opts.logLevel ?? 'info' });
  const db = openDb(opts.dbUrl, opts.dataDir);
  const sqliteFile = db.dialect === 'sqlite' ? db.describe.replace(/^sqlite:/, '') : undefined;
  let unlock: () => void;
  try {
    unlock = sqliteFile && sqliteFile !== ':memory:' ? lockSqliteFile(sqliteFile) : () => undefined;
  } catch (err) {
    await db.close();
    throw err;
  }
  const msid = managementServerId(opts.dataDir);
  const o = opts.options ?? {};
  const setting = (name: string, env: string, dflt: number) => Number(o[name] ?? process.env[env] ?? dflt);
  const downAfterMs = setting('farmDownAfterMs', 'NIMBO_FARM_DOWN_AFTER_MS', 30_000);
  try {
    const force = (o['migrateForce'] ?? process.env['NIMBO_MIGRATE_FORCE']) === '1';
    await refuseNewerSchema(db, VERSION, force);
    await refuseMigrationsWhileOthersRun(db, { msid, downAfterMs, force });
  } catch (err) {
    unlock();
    await db.close();
    throw err;
  }
  await migrate(db, (m) => logger.info(m));
  const firstStartCredentials = await seedCore(db, opts.adminPassword);

  const config = new ConfigService(db);
  await config.load();
  const events = new EventService(db);
  config.events = events;
  const scoper = new Scoper(db);
  const domains = new DomainService(db, events, scoper);
  const accounts = new AccountService(db, events, scoper);
  const users = new UserService(db, events, scoper);
  domains.accounts = accounts;
  accounts.users = users;
  const auth = new AuthService(db, events, config, [localPasswordAuthenticator]);
  const roles = new RoleService(db);
  config.onChange = domains.onChange = accounts.onChange = users.onChange = () => roles.invalidate();
  const jobs = new JobService(db, events, scoper, { msid, log: (msg, err) => logger.error({ err }, msg) });
  const farm = new ManagementServerRegistry(db, {
    msid, version: VERSION, address: advertisedAddress(opts.host ?? '0.0.0.0', o['serverAddress'] ?? process.env['NIMBO_SERVER_ADDRESS']),
    heartbeatMs: setting('farmHeartbeatMs', 'NIMBO_FARM_HEARTBEAT_MS', 5_000), downAfterMs,
    log: (msg, err) => logger.warn({ err }, msg),
  });
  const leases = new SchedulerLeases(db, msid, farm.o.downAfterMs);
  const core: CoreServices = {
    config, events, eventQueries: new EventQueryService(db, scoper), scoper, domains, accounts, users, auth, roles, jobs, msid, farm, leases,
  };
  // Areas add their services below, each seeing everything wired before it.
  const services = core as Services;

  const lifecycles: Lifecycle[] = [];
  const routeHooks: Array<(http: FastifyInstance) => void> = [];
  for (const area of AREAS) {
    const r = await area.create({ db, services, dataDir: opts.dataDir, logger, options: opts.options ?? {} });
    Object.assign(services, r.services);
    if (r.lifecycle) lifecycles.push(r.lifecycle);
    if (r.registerRoutes) routeHooks.push(r.registerRoutes);
  }

  const reg = registry();
  const dispatcher = new Dispatcher(reg, services, resolverFor(db), logger);
  const api = new ApiHandler(reg, dispatcher, services, logger);
  jobs.leaseMs = farm.o.downAfterMs;
  // Each heartbeat keeps our jobs leased and takes over those of servers that died.
  farm.onHeartbeat(async (now) => {
    await jobs.renewLeases(now);
    if (db.dialect === 'sqlite') return;
    for (const row of await jobs.claimExpired(now)) {
      logger.warn({ job: row.uuid, cmd: row.cmd }, 'taking over a job whose management server stopped heartbeating');
      await dispatcher.resume(row);
    }
  });
  const http = buildApiServer(api, { logger: false });
  for (const h of routeHooks) h(http);
  registerUi(http);
  let integration: FastifyInstance | undefined;

  return {
    db, services, registry: reg, api, http, firstStartCredentials,
    async listen() {
      const port = opts.port ?? 8080;
      const host = opts.host ?? '0.0.0.0';
      await http.listen({ port, host });
      const addr = http.server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      const ip = Number(config.peek('integration.api.port'));
      if (ip > 0) {
        integration = buildIntegrationServer(api);
        await integration.listen({ port: ip, host: '127.0.0.1' });
        logger.info(`integration API (no authentication) on 127.0.0.1:${ip}`);
      }
      for (const l of lifecycles) await l.start();
      // Jobs this server left unfinished are resumed or failed once everything runs again.
      for (const row of await jobs.orphans()) await dispatcher.resume(row);
      await farm.register(actual);
      return { port: actual, url: `http://localhost:${actual}/client/api` };
    },
    async close() {
      await http.close();
      if (integration) await integration.close();
      for (const l of [...lifecycles].reverse()) await l.stop().catch((err) => logger.error({ err }, 'stop failed'));
      await jobs.drain();
      await leases.releaseAll().catch(() => {});
      await farm.stop().catch(() => {});
      await db.close();
      unlock();
    },
  };
}

/**
 * This server's id, kept in the data directory so that a restarted server recognises the
 * jobs it left unfinished (CloudStack derives its msid from the host's MAC address).
 */
export function managementServerId(dataDir: string): string {
  const file = join(dataDir, 'management-server-id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  }
  const id = randomUUID();
  writeFileSync(file, id + '\n');
  return id;
}

/** Writes the admin's login and keys for scripts (mode 0600). */
export function writeCredentials(dataDir: string, c: AdminCredentials, endpoint: string): string {
  const file = join(dataDir, 'admin-credentials.json');
  writeFileSync(file, JSON.stringify({ apikey: c.apikey, secretkey: c.secretkey, username: c.username, password: c.password, endpoint }, null, 2) + '\n', { mode: 0o600 });
  return file;
}
