/**
 * Console proxies as system VM records (CloudStack's ConsoleProxyManager, issue #11's rules):
 * the proxy inside each management server is registered once per zone as `v-<id>-VM`, with the
 * address browsers reach it at and the load it reports. A VM with a live session keeps its
 * proxy; otherwise the least-loaded Running proxy of the VM's zone with room
 * (`consoleproxy.session.max`) gets the session. A proxy whose management server stopped
 * heartbeating counts as Stopped and is never chosen. Administrators stop, start and reboot
 * proxies (listSystemVms and friends); stopping ends the proxy's sessions through `closer`.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { CloudError } from '../../api/errors.js';
import { insertId, likeInsensitive, likePattern, type Db } from '../../db/dialect.js';
import type { ConsoleProxiesTable } from '../../db/schema/console.js';
import type { ConfigService } from '../config/config.service.js';
import type { ManagementServerRegistry } from '../farm/registry.service.js';
import { Page } from '../paging.js';

export type ProxyRow = Selectable<ConsoleProxiesTable>;

/** A proxy as listSystemVms shows it: its zone, its server and the state the farm sees. */
export interface ProxyView extends ProxyRow {
  zoneUuid: string;
  zoneName: string;
  serverName: string | null;
  serverIp: string | null;
  /** Up while the proxy's management server heartbeats, Disconnected after. */
  agentState: 'Up' | 'Disconnected';
  /** The stored state, except Stopped while the management server is down. */
  effectiveState: 'Running' | 'Stopped';
}

/** Where this server's proxies are reached. */
export interface ProxyEndpoints {
  /** `http(s)://host[:port]` browsers use. */
  publicUrl: string;
  /** `ws(s)://host:port` of this server's agent port, where agents dial back with a display. */
  agentUrl: string;
}

export interface ProxyFilter {
  id?: number | undefined;
  name?: string | undefined;
  state?: string | undefined;
  zoneId?: number | undefined;
  keyword?: string | undefined;
}

export class ConsoleProxyService {
  /** Ends every viewer session of a proxy wherever it runs (set by the console area). */
  closer: (proxy: ProxyRow) => Promise<void> = async () => undefined;
  /** This server's addresses, once `ensure` ran. */
  private ends: ProxyEndpoints | undefined;

  constructor(private readonly db: Db, private readonly config: ConfigService, private readonly farm: ManagementServerRegistry) {}

  /** Sessions that hold a proxy: viewers connected, or tokens issued and not yet used or expired. */
  private holding(now: number) {
    return this.db.kysely.selectFrom('console_sessions as s').where('s.removed', 'is', null)
      .where((eb) => eb.or([eb('s.acquired', 'is not', null), eb('s.expires', '>=', now)]));
  }

  /**
   * Registers this server's proxy in every zone (a new zone gets one at the next load scan or on
   * first use), refreshes the addresses it is reached at, and retires proxies of deleted zones.
   */
  async ensure(ends: ProxyEndpoints, now = Date.now()): Promise<void> {
    this.ends = ends;
    const k = this.db.kysely;
    const msid = this.farm.msid;
    const zones = await k.selectFrom('zones').select(['id', 'removed']).execute();
    const mine = await k.selectFrom('console_proxies').selectAll().where('msid', '=', msid).where('removed', 'is', null).execute();
    for (const z of zones) {
      const p = mine.find((r) => r.zone_id === z.id);
      if (z.removed !== null) {
        if (p) await k.updateTable('console_proxies').set({ removed: now, state: 'Stopped' }).where('id', '=', p.id).execute();
      } else if (!p) {
        // CloudStack's VirtualMachineName: console proxies are v-<id>-VM (named in the same transaction).
        await k.transaction().execute(async (trx) => {
          const id = await insertId(trx, this.db.dialect, 'console_proxies', {
            uuid: randomUUID(), name: 'v-new-VM', msid, zone_id: z.id, state: 'Running', public_url: ends.publicUrl, agent_url: ends.agentUrl,
            active_sessions: 0, last_load_scan: null, created: now, removed: null,
          });
          await trx.updateTable('console_proxies').set({ name: `v-${id}-VM` }).where('id', '=', id).execute();
        });
      } else if (p.public_url !== ends.publicUrl || p.agent_url !== ends.agentUrl) {
        await k.updateTable('console_proxies').set({ public_url: ends.publicUrl, agent_url: ends.agentUrl }).where('id', '=', p.id).execute();
      }
    }
  }

  /**
   * The load scan (every `consoleproxy.loadscan.interval` ms, and when a session of the proxy
   * opens or closes): this server's proxies report how many viewers they serve.
   */
  async reportLoad(proxyId?: number, now = Date.now()): Promise<void> {
    const k = this.db.kysely;
    let q = k.selectFrom('console_proxies').select('id').where('msid', '=', this.farm.msid).where('removed', 'is', null);
    if (proxyId !== undefined) q = q.where('id', '=', proxyId);
    const ids = (await q.execute()).map((r) => r.id);
    if (!ids.length) return;
    const counts = await k.selectFrom('console_sessions').select(['proxy_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('proxy_id', 'in', ids).where('acquired', 'is not', null).where('removed', 'is', null).groupBy('proxy_id').execute();
    for (const id of ids) {
      const n = Number(counts.find((c) => c.proxy_id === id)?.n ?? 0);
      await k.updateTable('console_proxies').set({ active_sessions: n, last_load_scan: now }).where('id', '=', id).execute();
    }
  }

  /**
   * The proxy for a new session to `vm`: the one serving its live session if any (CloudStack
   * keeps a VM on its proxy), else the least-loaded Running proxy of its zone with room; ties go
   * to the proxy on the server holding the host's agent (no server-to-server hop). Undefined
   * (with the reason) when no proxy can take it.
   */
  async assign(vm: { id: number; zoneId: number; hostId: number }, now = Date.now()): Promise<{ proxy?: ProxyRow; reason?: string }> {
    const k = this.db.kysely;
    const alive = new Set((await this.farm.alive(now)).map((r) => r.msid));
    const usable = (p: ProxyRow) => p.state === 'Running' && p.removed === null && alive.has(p.msid);
    const held = await this.holding(now).innerJoin('console_proxies as p', 'p.id', 's.proxy_id').selectAll('p')
      .where('s.instance_id', '=', vm.id).orderBy('s.id', 'desc').execute();
    const sticky = held.find(usable);
    if (sticky) return { proxy: sticky };
    let zone = await k.selectFrom('console_proxies').selectAll().where('zone_id', '=', vm.zoneId).where('removed', 'is', null).execute();
    if (this.ends && !zone.some((p) => p.msid === this.farm.msid)) {
      // A zone newer than this server's last load scan: its proxy there registers on first use.
      await this.ensure(this.ends, now);
      zone = await k.selectFrom('console_proxies').selectAll().where('zone_id', '=', vm.zoneId).where('removed', 'is', null).execute();
    }
    const running = zone.filter(usable);
    if (!running.length) return { reason: `No console proxy is Running for this VM's zone (${zone.length} registered; a proxy of a management server that stopped heartbeating is not used)` };
    const pending = await this.holding(now).select(['s.proxy_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.acquired', 'is', null).where('s.proxy_id', 'in', running.map((p) => p.id)).groupBy('s.proxy_id').execute();
    const load = (p: ProxyRow) => Number(p.active_sessions) + Number(pending.find((r) => r.proxy_id === p.id)?.n ?? 0);
    const max = await this.config.getNumber('consoleproxy.session.max', { kind: 'Zone', id: vm.zoneId });
    const room = running.filter((p) => !(max > 0) || load(p) < max);
    if (!room.length) return { reason: `Every console proxy of this VM's zone is full: ${running.length} Running, each serving consoleproxy.session.max=${max} sessions` };
    const host = await k.selectFrom('hosts').select('mgmt_server_id').where('id', '=', vm.hostId).executeTakeFirst();
    const near = (p: ProxyRow) => (p.msid === host?.mgmt_server_id ? 0 : 1);
    room.sort((a, b) => load(a) - load(b) || near(a) - near(b) || a.id - b.id);
    return { proxy: room[0]! };
  }

  async get(id: number): Promise<ProxyRow | undefined> {
    return this.db.kysely.selectFrom('console_proxies').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  }

  /** One proxy as listSystemVms shows it. */
  async view(id: number): Promise<ProxyView> {
    const r = await this.list({ id }, undefined);
    if (!r.rows[0]) throw new CloudError('ParamError', `Unable to find a console proxy with id ${id}`);
    return r.rows[0];
  }

  async list(f: ProxyFilter, page: Page | undefined, now = Date.now()): Promise<{ rows: ProxyView[]; count: number }> {
    let q = this.db.kysely.selectFrom('console_proxies as p').innerJoin('zones as z', 'z.id', 'p.zone_id')
      .leftJoin('management_servers as m', 'm.msid', 'p.msid')
      .selectAll('p').select(['z.uuid as zoneUuid', 'z.name as zoneName', 'm.name as serverName', 'm.service_ip as serverIp', 'm.state as serverState', 'm.last_seen as serverSeen'])
      .where('p.removed', 'is', null);
    if (f.id !== undefined) q = q.where('p.id', '=', f.id);
    if (f.name !== undefined) q = q.where('p.name', '=', f.name);
    if (f.zoneId !== undefined) q = q.where('p.zone_id', '=', f.zoneId);
    if (f.keyword) q = q.where('p.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    const all = await q.orderBy('p.id').execute();
    const rows = all.map(({ serverState, serverSeen, ...r }) => {
      const up = serverState !== null && this.farm.stateOf({ state: serverState, last_seen: Number(serverSeen) }, now) === 'Up';
      return { ...r, agentState: up ? 'Up' : 'Disconnected', effectiveState: up && r.state === 'Running' ? 'Running' : 'Stopped' } as ProxyView;
    }).filter((r) => f.state === undefined || r.effectiveState.toLowerCase() === f.state.toLowerCase());
    // The state filter reads the farm's view, so paging happens after it (proxies are few).
    return (page ?? Page.all()).slice(rows);
  }

  /** stopSystemVm: refuses new viewers and ends the proxy's sessions. */
  async stop(id: number): Promise<ProxyView> {
    const p = await this.mustGet(id);
    await this.db.kysely.updateTable('console_proxies').set({ state: 'Stopped' }).where('id', '=', id).execute();
    await this.end(p);
    return this.view(id);
  }

  /** startSystemVm: accepts viewers again (only while its management server runs). */
  async start(id: number): Promise<ProxyView> {
    const p = await this.mustGet(id);
    const v = await this.view(id);
    if (v.agentState !== 'Up') throw new CloudError('ResourceUnavailable', `Console proxy ${p.name} runs in management server ${v.serverName ?? p.msid}, which is down; it starts with that server`);
    await this.db.kysely.updateTable('console_proxies').set({ state: 'Running' }).where('id', '=', id).execute();
    return this.view(id);
  }

  /** rebootSystemVm: ends every session of a Running proxy, which keeps accepting new ones. */
  async reboot(id: number): Promise<ProxyView> {
    const p = await this.mustGet(id);
    if ((await this.view(id)).effectiveState !== 'Running') throw new CloudError('UnsupportedAction', `Console proxy ${p.name} is not Running; start it instead`);
    await this.end(p);
    return this.view(id);
  }

  private async mustGet(id: number): Promise<ProxyRow> {
    const p = await this.get(id);
    if (!p) throw new CloudError('ParamError', `Unable to find a console proxy with id ${id}`);
    return p;
  }

  /** Closes the proxy's sockets on its server, then writes its sessions ended (a dead server's too). */
  private async end(p: ProxyRow): Promise<void> {
    await this.closer(p);
    await this.db.kysely.updateTable('console_sessions').set({ removed: Date.now() }).where('proxy_id', '=', p.id).where('removed', 'is', null).execute();
    await this.db.kysely.updateTable('console_proxies').set({ active_sessions: 0 }).where('id', '=', p.id).execute();
  }
}
