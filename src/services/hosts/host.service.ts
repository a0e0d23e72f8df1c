/**
 * Hosts as the API sees them: addHost records a host waiting for its agent (the addHost
 * password is the agent's one-time registration token), list/update/delete, reconnect.
 * Status changes go through host-state.ts; the agent manager owns connections.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import type { AgentManager } from '../../agents/agent-manager.js';
import { hashSecret } from '../../agents/credentials.js';
import { hostTransition, nextResourceState } from '../../orchestration/state/host-state.js';
import { hostQuery, type HostRow } from './host.queries.js';

export interface HostFilter {
  id?: number | undefined; name?: string | undefined; zoneId?: number | undefined; podId?: number | undefined; clusterId?: number | undefined;
  state?: string | undefined; resourceState?: string | undefined; type?: string | undefined; hypervisor?: string | undefined; keyword?: string | undefined;
}

export class HostService {
  constructor(private readonly db: Db, private readonly events: EventService, private readonly agents: AgentManager) {}

  async get(id: number): Promise<HostRow> {
    const h = await hostQuery(this.db.kysely).where('h.id', '=', id).where('h.removed', 'is', null).executeTakeFirst();
    if (!h) throw paramError('Unable to find host');
    return h;
  }

  async list(f: HostFilter, page: Page): Promise<{ rows: HostRow[]; count: number }> {
    let q = hostQuery(this.db.kysely).where('h.removed', 'is', null);
    if (f.id !== undefined) q = q.where('h.id', '=', f.id);
    if (f.name !== undefined) q = q.where('h.name', '=', f.name);
    if (f.zoneId !== undefined) q = q.where('h.zone_id', '=', f.zoneId);
    if (f.podId !== undefined) q = q.where('h.pod_id', '=', f.podId);
    if (f.clusterId !== undefined) q = q.where('h.cluster_id', '=', f.clusterId);
    if (f.state !== undefined) q = q.where('h.status', '=', f.state);
    if (f.resourceState !== undefined) q = q.where('h.resource_state', '=', f.resourceState);
    if (f.type !== undefined) q = q.where('h.type', '=', f.type);
    if (f.hypervisor !== undefined) q = q.where(sql`lower(h.hypervisor_type)`, '=', f.hypervisor.toLowerCase());
    if (f.keyword) q = q.where('h.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('h.id'));
  }

  /**
   * Records a host in a cluster, status Connecting, waiting for the agent started with
   * `--token <password>` to claim it. `http://sim/…` URLs may carry CloudStack's
   * simulator parameters; the agent reports the real capacity when it connects.
   */
  async add(_caller: Caller, p: { zoneId: number; podId: number; clusterId?: number | undefined; clusterName?: string | undefined; url: string; hypervisor: string; password?: string | undefined; hostTags?: string[] | undefined; allocationState?: string | undefined }): Promise<HostRow> {
    const k = this.db.kysely;
    let clusterQ = k.selectFrom('clusters').select(['id', 'name', 'pod_id', 'zone_id', 'hypervisor_type']).where('removed', 'is', null);
    if (p.clusterId !== undefined) clusterQ = clusterQ.where('id', '=', p.clusterId);
    else if (p.clusterName !== undefined) clusterQ = clusterQ.where('name', '=', p.clusterName).where('pod_id', '=', p.podId);
    else throw paramError('clusterid or clustername is required');
    const c = await clusterQ.executeTakeFirst();
    if (!c) throw paramError('Unable to find cluster');
    if (c.pod_id !== p.podId || c.zone_id !== p.zoneId) throw paramError(`Cluster ${c.name} does not belong to the given pod and zone`);
    if (c.hypervisor_type.toLowerCase() !== p.hypervisor.toLowerCase()) throw paramError(`Cluster ${c.name} runs ${c.hypervisor_type}, not ${p.hypervisor}`);
    let url: URL;
    try {
      url = new URL(p.url.includes('://') ? p.url : `http://${p.url}`);
    } catch {
      throw paramError(`Invalid host URL ${p.url}`);
    }
    if (!p.password || p.password.length < 8) throw paramError('password must be the registration token the host agent was started with (--token, at least 8 characters)');
    const state = p.allocationState === undefined ? 'Enabled' : p.allocationState === 'Enable' || p.allocationState === 'Enabled' ? 'Enabled' : p.allocationState === 'Disable' || p.allocationState === 'Disabled' ? 'Disabled' : undefined;
    if (!state) throw paramError('allocationstate must be Enable or Disable');
    const now = Date.now();
    const name = url.hostname === 'sim' || url.hostname.startsWith('sim') ? `SimulatedAgent.${randomUUID()}` : url.hostname;
    const id = await insertId(k, this.db.dialect, 'hosts', {
      uuid: randomUUID(), name, type: 'Routing', zone_id: c.zone_id, pod_id: c.pod_id, cluster_id: c.id, status: 'Connecting', resource_state: state,
      hypervisor_type: c.hypervisor_type, host_tags: p.hostTags?.length ? p.hostTags.join(',') : null, url: p.url, private_ip: url.hostname,
      token_hash: hashSecret(p.password), status_changed: now, created: now,
    });
    return this.get(id);
  }

  async update(_caller: Caller, id: number, p: { name?: string | undefined; hostTags?: string[] | undefined; osCategoryId?: number | undefined; allocationState?: string | undefined }): Promise<HostRow> {
    const h = await this.get(id);
    const set: Record<string, unknown> = {};
    if (p.name !== undefined) set['name'] = p.name;
    if (p.hostTags !== undefined) set['host_tags'] = p.hostTags.map((t) => t.trim()).filter(Boolean).join(',') || null;
    if (p.osCategoryId !== undefined) set['os_category_id'] = p.osCategoryId;
    if (p.allocationState !== undefined) {
      const e = p.allocationState === 'Enable' ? 'Enable' : p.allocationState === 'Disable' ? 'Disable' : undefined;
      if (!e) throw paramError('allocationstate must be Enable or Disable');
      const to = nextResourceState(h.resource_state, e);
      if (!to) throw new CloudError('InvalidState', `Unable to ${e.toLowerCase()} host ${h.name}: it is in resource state ${h.resource_state}`);
      set['resource_state'] = to;
    }
    // update_count tells the planner's host cache to re-read the row (allocation/host-rows.ts).
    if (Object.keys(set).length) await this.db.kysely.updateTable('hosts').set({ ...set, update_count: sql`update_count + 1` }).where('id', '=', id).execute();
    return this.get(id);
  }

  /** id → uuid/name of OS categories (empty while the offerings area's table is missing). */
  async osCategories(ids: number[]): Promise<Map<number, { uuid: string; name: string }>> {
    const out = new Map<number, { uuid: string; name: string }>();
    if (!ids.length) return out;
    try {
      const r = await sql<{ id: number; uuid: string; name: string }>`select id, uuid, name from guest_os_categories where id in (${sql.join([...new Set(ids)])})`.execute(this.db.kysely);
      for (const c of r.rows) out.set(Number(c.id), { uuid: c.uuid, name: c.name });
    } catch {
      /* no OS categories yet */
    }
    return out;
  }

  /** Only a host in Maintenance without VMs, unless forced; its agent is disconnected. */
  async delete(_caller: Caller, id: number, forced: boolean): Promise<void> {
    const h = await this.get(id);
    if (!forced && h.resource_state !== 'Maintenance' && h.status === 'Up') {
      throw new CloudError('InvalidState', `Host ${h.name} cannot be deleted: put it into maintenance mode first (or use forced=true)`);
    }
    if (!forced && (await this.vmCount(id)) > 0) throw new CloudError('ResourceInUse', `Host ${h.name} cannot be deleted: it still has virtual machines`);
    await this.db.kysely.transaction().execute(async (trx) => {
      await hostTransition(trx, { id, status: h.status }, 'Remove');
      await trx.updateTable('hosts').set({ removed: Date.now(), secret_hash: null, token_hash: null }).where('id', '=', id).execute();
    });
    this.agents.dropConnection(id);
  }

  private async vmCount(hostId: number): Promise<number> {
    try {
      const r = await sql<{ n: number }>`select count(*) as n from vm_instances where host_id = ${hostId} and removed is null and state not in ('Destroyed', 'Expunging')`.execute(this.db.kysely);
      return Number(r.rows[0]?.n ?? 0);
    } catch {
      return 0;
    }
  }

  /** Drops the agent connection; the agent reconnects with its secret and re-registers. */
  async reconnect(caller: Caller, id: number): Promise<HostRow> {
    const h = await this.get(id);
    if (h.status === 'Removed' || h.resource_state === 'Maintenance') throw new CloudError('InvalidState', `Unable to reconnect host ${h.name}: it is ${h.resource_state === 'Maintenance' ? 'in maintenance' : h.status}`);
    if (!this.agents.isConnected(id)) throw new CloudError('ResourceUnavailable', `Host ${h.name} has no agent connected; start its agent`);
    await this.db.kysely.transaction().execute(async (trx) => {
      await this.events.record({ type: 'HOST.RECONNECT', description: `reconnecting host ${h.name}`, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType: 'Host', resourceUuid: h.uuid }, trx);
    });
    this.agents.dropConnection(id);
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      if (this.agents.isConnected(id)) {
        const now = await this.get(id);
        if (now.status === 'Up') return now;
      }
    }
    throw new CloudError('ResourceUnavailable', `Host ${h.name} did not reconnect within 30 s`);
  }
}
