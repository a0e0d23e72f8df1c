/**
 * The management server farm's registry (issue #12): every `nimbo server` sharing a database
 * has a `management_servers` row that it keeps fresh with a heartbeat. A row whose heartbeat
 * is older than the window is Down, whatever it last said (the server was killed), and the
 * first live server to notice writes that down, so job takeover can rely on it.
 */
import { randomBytes } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { likeInsensitive, likePattern } from '../../db/dialect.js';
import type { ManagementServersTable } from '../../db/schema/core.js';
import type { Page } from '../paging.js';

export type ServerRow = Selectable<ManagementServersTable>;

export interface FarmOptions {
  msid: string;
  version: string;
  /** Address shown as the server's IP and used by peers to reach its API port. */
  address: string;
  /** How often this server writes its heartbeat (ms). */
  heartbeatMs: number;
  /** A server silent for longer than this is Down (ms). */
  downAfterMs: number;
  log?: (msg: string, err?: unknown) => void;
}

export class ManagementServerRegistry {
  /** Signs agent commands that peers forward to this server; rotated at each start. */
  readonly internalKey = randomBytes(32).toString('base64url');
  private timer: NodeJS.Timeout | undefined;
  private readonly beats: Array<(now: number) => Promise<void>> = [];
  private beating: Promise<void> | undefined;

  constructor(private readonly db: Db, readonly o: FarmOptions) {}

  get msid(): string {
    return this.o.msid;
  }

  /** Work to do at each heartbeat (renewing job leases, taking over a dead server's jobs). */
  onHeartbeat(fn: (now: number) => Promise<void>): void {
    this.beats.push(fn);
  }

  /** Writes this server's row as Up and starts the heartbeat. */
  async register(apiPort: number): Promise<void> {
    const now = Date.now();
    const up = {
      name: hostname(), service_ip: this.o.address, version: this.o.version, state: 'Up', last_seen: now, started: now,
      internal_url: `http://${this.o.address.includes(':') ? `[${this.o.address}]` : this.o.address}:${apiPort}`, internal_key: this.internalKey,
    };
    const k = this.db.kysely;
    const updated = await k.updateTable('management_servers').set(up).where('msid', '=', this.o.msid).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) await k.insertInto('management_servers').values({ uuid: this.o.msid, msid: this.o.msid, stopped: null, ...up }).execute();
    const tick = () => {
      this.beating = this.heartbeat().catch((err) => this.o.log?.('management server heartbeat failed', err));
      void this.beating.finally(() => {
        if (this.timer) (this.timer = setTimeout(tick, this.o.heartbeatMs)).unref();
      });
    };
    (this.timer = setTimeout(tick, this.o.heartbeatMs)).unref();
  }

  /** One heartbeat: refresh our row, mark silent servers Down, then run the heartbeat hooks. */
  async heartbeat(now = Date.now()): Promise<void> {
    const k = this.db.kysely;
    await k.updateTable('management_servers').set({ last_seen: now, state: 'Up' }).where('msid', '=', this.o.msid).execute();
    await k.updateTable('management_servers').set({ state: 'Down' }).where('state', '=', 'Up').where('last_seen', '<', now - this.o.downAfterMs).execute();
    for (const fn of this.beats) await fn(now).catch((err) => this.o.log?.('heartbeat work failed', err));
  }

  /** Stops the heartbeat and records an orderly stop. */
  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.beating;
    const now = Date.now();
    await this.db.kysely.updateTable('management_servers').set({ state: 'Down', last_seen: now, stopped: now }).where('msid', '=', this.o.msid).execute();
  }

  /** The state as the farm sees it: Up only while the heartbeat is fresh. */
  stateOf(r: Pick<ServerRow, 'state' | 'last_seen'>, now = Date.now()): string {
    return r.state === 'Up' && Number(r.last_seen) < now - this.o.downAfterMs ? 'Down' : r.state;
  }

  /** Servers whose heartbeat is fresh (this one included). */
  async alive(now = Date.now()): Promise<ServerRow[]> {
    return this.db.kysely.selectFrom('management_servers').selectAll().where('state', '=', 'Up').where('last_seen', '>=', now - this.o.downAfterMs).execute();
  }

  async list(f: { id?: number | undefined; name?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: ServerRow[]; count: number }> {
    let q = this.db.kysely.selectFrom('management_servers').selectAll();
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    if (f.keyword) q = q.where('name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('id')) as Promise<{ rows: ServerRow[]; count: number }>;
  }
}

/** The address peers and listManagementServers use: the listen address unless it is a wildcard. */
export function advertisedAddress(listenHost: string, configured?: string): string {
  if (configured) return configured;
  if (listenHost !== '0.0.0.0' && listenHost !== '::' && listenHost !== '') return listenHost;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  }
  return '127.0.0.1';
}
