/**
 * configureSimulator / cleanupSimulatorMock: rules stored in `simulator_mocks`, scoped by
 * zone/pod/cluster/host, pushed over the protocol to the simulator hosts in scope (and to
 * hosts that connect later). `count` applies per host.
 */
import type { Db } from '../db/dialect.js';
import { insertId } from '../db/dialect.js';
import { paramError } from '../api/errors.js';
import { parseMockValue } from '../drivers/simulator/mocks.js';
import type { SimulatorMock } from '../protocol/messages.js';
import type { AgentManager } from './agent-manager.js';
import type { SimulatorMocksTable } from '../db/schema/hosts.js';

export type MockRow = Omit<SimulatorMocksTable, 'id'> & { id: number };

export class SimulatorMockService {
  /** Avoids a query per connecting host when no rule exists (the common case). */
  private active: boolean | undefined;

  constructor(private readonly db: Db, private agents?: AgentManager) {}

  attach(agents: AgentManager): void {
    this.agents = agents;
  }

  async configure(p: { name: string; value: string; zoneId?: number | undefined; podId?: number | undefined; clusterId?: number | undefined; hostId?: number | undefined; count?: number | undefined; jsonResponse?: string | undefined }): Promise<MockRow> {
    try {
      parseMockValue(p.value);
    } catch (e) {
      throw paramError((e as Error).message);
    }
    if (p.count !== undefined && p.count < 0) throw paramError('count must not be negative');
    const row = {
      name: p.name, value: p.value, zone_id: p.zoneId ?? null, pod_id: p.podId ?? null, cluster_id: p.clusterId ?? null, host_id: p.hostId ?? null,
      count: p.count ?? null, json_response: p.jsonResponse ?? null, created: Date.now(), removed: null,
    };
    const id = await insertId(this.db.kysely, this.db.dialect, 'simulator_mocks', row);
    this.active = true;
    const m: SimulatorMock = { id, name: p.name, value: p.value, count: row.count };
    for (const hostId of await this.hostsInScope(row)) {
      await this.agents?.send(hostId, { type: 'ConfigureSimulator', mocks: [m] }, { timeoutMs: 10_000 }).catch(() => undefined);
    }
    return { id, ...row };
  }

  async cleanup(id: number): Promise<boolean> {
    const r = await this.db.kysely.updateTable('simulator_mocks').set({ removed: Date.now() }).where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    for (const hostId of this.agents?.connectedHostIds() ?? []) {
      await this.agents?.send(hostId, { type: 'CleanupSimulator', ids: [id] }, { timeoutMs: 10_000 }).catch(() => undefined);
    }
    return true;
  }

  /** The rules for a (re)connecting host. */
  async mocksFor(hostId: number): Promise<SimulatorMock[]> {
    if (this.active === undefined) {
      this.active = !!(await this.db.kysely.selectFrom('simulator_mocks').select('id').where('removed', 'is', null).limit(1).executeTakeFirst());
    }
    if (!this.active) return [];
    const h = await this.db.kysely.selectFrom('hosts').select(['zone_id', 'pod_id', 'cluster_id', 'hypervisor_type']).where('id', '=', hostId).executeTakeFirst();
    if (!h || h.hypervisor_type !== 'Simulator') return [];
    const rows = await this.db.kysely.selectFrom('simulator_mocks').selectAll().where('removed', 'is', null).execute();
    return rows.filter((r) => (r.host_id ?? hostId) === hostId && (r.cluster_id ?? h.cluster_id) === h.cluster_id && (r.pod_id ?? h.pod_id) === h.pod_id && (r.zone_id ?? h.zone_id) === h.zone_id)
      .map((r) => ({ id: r.id, name: r.name, value: r.value, count: r.count }));
  }

  private async hostsInScope(r: { zone_id: number | null; pod_id: number | null; cluster_id: number | null; host_id: number | null }): Promise<number[]> {
    const connected = this.agents?.connectedHostIds() ?? [];
    if (!connected.length) return [];
    let q = this.db.kysely.selectFrom('hosts').select('id').where('hypervisor_type', '=', 'Simulator').where('removed', 'is', null);
    if (r.host_id !== null) q = q.where('id', '=', r.host_id);
    if (r.cluster_id !== null) q = q.where('cluster_id', '=', r.cluster_id);
    if (r.pod_id !== null) q = q.where('pod_id', '=', r.pod_id);
    if (r.zone_id !== null) q = q.where('zone_id', '=', r.zone_id);
    const inScope = new Set((await q.execute()).map((x) => x.id));
    return connected.filter((id) => inScope.has(id));
  }
}
