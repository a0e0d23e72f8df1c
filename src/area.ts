/**
 * How a feature area plugs into the management server: it builds its services from the
 * ones already wired (core first, then areas in build order) and may run background work
 * (agent listener, download worker, schedulers) between `start` and `stop`.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from './db/dialect.js';
import type { Services } from './services/index.js';

export interface AreaContext {
  db: Db;
  /** Everything wired so far; an area may use services of areas listed before it. */
  services: Services;
  dataDir: string;
  logger: Logger;
  /** Options from the command line / environment that areas read (agent port, demo zone…). */
  options: Record<string, string | undefined>;
}

export interface Lifecycle {
  /** Called once the API listens. */
  start(): Promise<void>;
  /** Called on shutdown, in reverse order; must not throw. */
  stop(): Promise<void>;
}

export interface Area {
  name: string;
  /** `registerRoutes` adds plain HTTP routes beside the API (e.g. extracted template downloads). */
  create(ctx: AreaContext): Promise<{ services: Partial<Services>; lifecycle?: Lifecycle; registerRoutes?: (http: FastifyInstance) => void }>;
}
