/**
 * VM console sessions (CloudStack's ConsoleAccessManager, createConsoleEndpoint): the caller
 * who may use a VM (its owner, or an administrator above it) gets a one-time token for the
 * console proxy assigned to the session (`ConsoleProxyService.assign`); a viewer that presents
 * it to that proxy within `consoleproxy.token.timeout` ms gets one session to the VM's display.
 * The token is stored only as its sha256, is bound to the VM, the host it ran on and the proxy,
 * and is consumed by the first connection.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CloudError } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import type { Caller } from '../caller.js';
import type { ConfigService } from '../config/config.service.js';
import type { VmService } from '../vms/vm.service.js';
import type { ConsoleProxyService } from './proxy.service.js';

/** Where viewers connect (the proxy's WebSocket path on the management server's HTTP port). */
export const CONSOLE_WEBSOCKET_PATH = '/client/console/websocket';
/** The UI page that shows a console (it reads the token from its query string). */
export const CONSOLE_PAGE_PATH = '/client/console';

export interface ConsoleEndpoint {
  success: boolean;
  details?: string;
  url?: string;
  websocket?: { token: string; host?: string; path: string };
}

/** What a valid token opens. */
export interface ConsoleTarget {
  sessionId: number;
  sessionUuid: string;
  instanceName: string;
  hostId: number;
  proxyId: number;
  /** Where the VM's agent dials back when this server does not hold its connection. */
  agentUrl: string;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class ConsoleService {
  constructor(private readonly db: Db, private readonly vms: VmService, private readonly config: ConfigService, private readonly proxies: ConsoleProxyService) {}

  /** A one-time console token for a running VM the caller may use (PermissionDenied otherwise). */
  async createEndpoint(caller: Caller, vmId: number, creatorAddress?: string): Promise<ConsoleEndpoint> {
    const vm = await this.vms.access(caller, vmId);
    // CloudStack answers success=false with the reason rather than an error for a VM without a display.
    if (vm.state !== 'Running' || vm.host_id === null) return { success: false, details: `VM ${vm.uuid} is ${vm.state}; a console needs a Running VM` };
    const { proxy, reason } = await this.proxies.assign({ id: vm.id, zoneId: vm.zone_id, hostId: vm.host_id });
    // Like a VM without a display, no proxy with room is an answer (success=false), not an error.
    if (!proxy) return { success: false, details: reason ?? 'No console proxy can serve this VM' };
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const ttl = (await this.config.getNumber('consoleproxy.token.timeout')) || 60_000;
    await this.db.kysely.insertInto('console_sessions').values({
      uuid: randomUUID(), token_hash: hashToken(token), created: now, expires: now + ttl, account_id: caller.accountId, domain_id: caller.domainId,
      user_id: caller.userId, instance_id: vm.id, host_id: vm.host_id, acquired: null, removed: null, msid: null, client_address: creatorAddress ?? null, proxy_id: proxy.id,
    }).execute();
    const base = await this.publicUrl(proxy.public_url, vm.zone_id);
    return {
      success: true,
      url: `${base}${CONSOLE_PAGE_PATH}?token=${encodeURIComponent(token)}`,
      websocket: { token, host: new URL(base).host, path: CONSOLE_WEBSOCKET_PATH },
    };
  }

  /**
   * The address browsers use for a proxy: `consoleproxy.url.domain` when set (https; a `*` in it
   * becomes the proxy's address with dashes, CloudStack's `*.realhostip.com` form), else the
   * proxy's own public URL.
   */
  private async publicUrl(proxyUrl: string, zoneId: number): Promise<string> {
    const domain = (await this.config.get('consoleproxy.url.domain', { kind: 'Zone', id: zoneId }))?.trim();
    if (!domain) return proxyUrl;
    return `https://${domain.replace('*', new URL(proxyUrl).hostname.replace(/[.:]/g, '-'))}`;
  }

  /**
   * Consumes a token for a viewer connecting to the proxy of server `msid`. Throws Unauthorized
   * for an unknown, used or expired token, ResourceUnavailable when the token's proxy is stopped
   * or runs in another server, when the VM stopped or moved, or when the proxy already serves
   * `consoleproxy.session.max` viewers.
   */
  async acquire(token: string, msid: string, clientAddress: string | null): Promise<ConsoleTarget> {
    const row = await this.db.kysely.selectFrom('console_sessions').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    const now = Date.now();
    if (!row || row.acquired !== null) throw new CloudError('Unauthorized', 'Unknown or already used console token');
    if (row.expires < now) throw new CloudError('Unauthorized', 'The console token has expired');
    const proxy = row.proxy_id === null ? undefined : await this.proxies.get(row.proxy_id);
    if (!proxy) throw new CloudError('Unauthorized', 'The console token names no console proxy');
    if (proxy.msid !== msid) throw new CloudError('ResourceUnavailable', `This token is for console proxy ${proxy.name} at ${proxy.public_url}`);
    if (proxy.state !== 'Running') throw new CloudError('ResourceUnavailable', `Console proxy ${proxy.name} is stopped`);
    const max = await this.config.getNumber('consoleproxy.session.max', { kind: 'Zone', id: proxy.zone_id });
    const active = await this.activeCount(proxy.id);
    // A VM with a live session keeps its proxy even when it is full (as assign chose it).
    if (max > 0 && active >= max && !(await this.viewing(proxy.id, row.instance_id))) {
      throw new CloudError('ResourceUnavailable', `Console proxy ${proxy.name} already serves ${active} sessions (consoleproxy.session.max)`);
    }
    // The conditional update makes the token single-use even when two viewers race with it.
    const won = await this.db.kysely.updateTable('console_sessions').set({ acquired: now, msid, client_address: clientAddress })
      .where('id', '=', row.id).where('acquired', 'is', null).executeTakeFirst();
    if (Number(won.numUpdatedRows) !== 1) throw new CloudError('Unauthorized', 'Unknown or already used console token');
    const vm = await this.db.kysely.selectFrom('vm_instances').select(['instance_name', 'state', 'host_id']).where('id', '=', row.instance_id).executeTakeFirst();
    if (!vm || vm.state !== 'Running' || vm.host_id === null) {
      await this.release(row.id);
      throw new CloudError('ResourceUnavailable', 'The VM is no longer running');
    }
    return { sessionId: row.id, sessionUuid: row.uuid, instanceName: vm.instance_name, hostId: vm.host_id, proxyId: proxy.id, agentUrl: proxy.agent_url };
  }

  /** Marks a session ended (the viewer or the VM side closed). */
  async release(sessionId: number): Promise<void> {
    await this.db.kysely.updateTable('console_sessions').set({ removed: Date.now() }).where('id', '=', sessionId).where('removed', 'is', null).execute();
  }

  private async viewing(proxyId: number, vmId: number): Promise<boolean> {
    return !!(await this.db.kysely.selectFrom('console_sessions').select('id').where('proxy_id', '=', proxyId).where('instance_id', '=', vmId)
      .where('acquired', 'is not', null).where('removed', 'is', null).executeTakeFirst());
  }

  /** Sessions a proxy is serving now (what its load scan reports). */
  async activeCount(proxyId: number): Promise<number> {
    const r = await this.db.kysely.selectFrom('console_sessions').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('proxy_id', '=', proxyId).where('acquired', 'is not', null).where('removed', 'is', null).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Ends every session this server left open (on start after a crash, and on stop). */
  async releaseAll(msid: string): Promise<void> {
    await this.db.kysely.updateTable('console_sessions').set({ removed: Date.now() }).where('msid', '=', msid).where('removed', 'is', null).execute();
  }
}
