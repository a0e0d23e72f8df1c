/**
 * Primary storage outages (the seed's "System Reliability and HA"). Agents report in each
 * heartbeat whether they reach every directory-backed primary pool they use
 * (src/agent/pool-health.ts); a host that cannot is recorded in storage_pool_host_outages.
 * - A pool is **Down** while at least one Up host reports it unreachable: the planner, which
 *   takes Up pools only, no longer places disks on it, and an `ALERT.STORAGE.MISC` alert
 *   ("Unable to access storage pool …") is raised and e-mailed. CloudStack's StoragePoolStatus
 *   has no state for an unreachable pool; `Down` is Nimbo's, and an admin state (Maintenance,
 *   Disabled…) is never overwritten.
 * - Guests on the pool die with their disks and their agent reports them stopped: those VMs are
 *   remembered in storage_outage_vms (never a VM stopped through the API), and HA does not try
 *   to restart them while the pool is Down (the restart could only fail).
 * - When no Up host reports it unreachable any more the pool is Up again; the HA worker then
 *   starts the remembered HA-enabled VMs (routers always) and forgets the others, which stay
 *   Stopped until their owner starts them.
 * The rows are the truth, so any server of a farm may judge a pool, and a restarted one carries on.
 */
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { PoolHealth } from '../../protocol/messages.js';
import type { Services } from '../index.js';
import { SYSTEM_CALLER } from '../vms/area.js';
import { ALERT } from './alert-types.js';
import type { AlertService } from './alert.service.js';

export class StorageOutages {
  constructor(private readonly db: Db, private readonly services: Services, private readonly alerts: AlertService, private readonly log: Logger) {}

  /** A host's changed pool report: records which pools it cannot reach, then judges those pools again. */
  async report(hostId: number, pools: PoolHealth[]): Promise<void> {
    const k = this.db.kysely;
    const known = await k.selectFrom('storage_pools').select(['id', 'uuid']).where('uuid', 'in', pools.map((p) => p.uuid)).where('removed', 'is', null).execute();
    const idOf = new Map(known.map((r) => [r.uuid, r.id]));
    const seen = new Set((await k.selectFrom('storage_pool_host_outages').select('pool_id').where('host_id', '=', hostId).execute()).map((r) => r.pool_id));
    const changed: number[] = [];
    for (const p of pools) {
      const poolId = idOf.get(p.uuid);
      if (poolId === undefined || p.ok !== seen.has(poolId)) continue;
      if (p.ok) await k.deleteFrom('storage_pool_host_outages').where('pool_id', '=', poolId).where('host_id', '=', hostId).execute();
      else await this.insertOutage(k, { pool_id: poolId, host_id: hostId, since: Date.now(), reason: (p.reason ?? 'unreachable').slice(0, 255) });
      changed.push(poolId);
    }
    for (const poolId of changed) await this.judge(poolId);
  }

  private async insertOutage(k: Kysely<Database>, row: { pool_id: number; host_id: number; since: number; reason: string }): Promise<void> {
    const ins = k.insertInto('storage_pool_host_outages').values(row);
    await (this.db.dialect === 'mysql' ? ins.ignore() : ins.onConflict((oc) => oc.columns(['pool_id', 'host_id']).doNothing())).execute();
  }

  /** Down while an Up host cannot reach it, Up again when none reports that. */
  async judge(poolId: number): Promise<void> {
    const k = this.db.kysely;
    const p = await k.selectFrom('storage_pools').select(['id', 'name', 'path', 'status', 'zone_id', 'pod_id', 'cluster_id']).where('id', '=', poolId).where('removed', 'is', null).executeTakeFirst();
    if (!p) return;
    const seers = await k.selectFrom('storage_pool_host_outages as o').innerJoin('hosts as h', 'h.id', 'o.host_id').select(['h.name', 'o.reason'])
      .where('o.pool_id', '=', poolId).where('h.status', '=', 'Up').where('h.removed', 'is', null).orderBy('h.id').execute();
    const where = { zoneId: p.zone_id, podId: p.pod_id, clusterId: p.cluster_id };
    if (seers.length && p.status === 'Up') {
      if (!(await this.setStatus(poolId, 'Up', 'Down'))) return;
      this.log.warn({ poolId, hosts: seers.map((s) => s.name) }, 'storage pool unreachable');
      await this.alerts.raise({
        type: ALERT.STORAGE_MISC, key: `pool:${poolId}`, ...where,
        subject: `Unable to access storage pool ${p.name}: its VMs are stopped, HA restarts them when it is back`,
        body: `Host(s) ${seers.map((s) => `${s.name} (${s.reason ?? 'unreachable'})`).join(', ')} cannot reach storage pool ${p.name} (${p.path}). The pool is Down: no volume is placed on it, and HA-enabled VMs stopped with it start again once it is reachable.`,
      });
    } else if (!seers.length && p.status === 'Down') {
      if (!(await this.setStatus(poolId, 'Down', 'Up'))) return;
      this.log.info({ poolId }, 'storage pool reachable again');
      await this.alerts.raise({
        type: ALERT.STORAGE_MISC, key: `pool-back:${poolId}`, ...where,
        subject: `Storage pool ${p.name} is available again`,
        body: `Every host reaches storage pool ${p.name} (${p.path}) again; HA-enabled VMs stopped by the outage are started again.`,
      });
    }
  }

  private async setStatus(poolId: number, from: string, to: string): Promise<boolean> {
    const r = await this.db.kysely.updateTable('storage_pools').set({ status: to }).where('id', '=', poolId).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Pools to judge again without a report: Down ones (the hosts that saw them may have gone)
   * and Up ones that an Up host reports unreachable (an admin state ended meanwhile).
   */
  async sweep(): Promise<void> {
    const k = this.db.kysely;
    const down = await k.selectFrom('storage_pools').select('id').where('status', '=', 'Down').where('removed', 'is', null).execute();
    const unseen = await k.selectFrom('storage_pool_host_outages as o').innerJoin('storage_pools as p', 'p.id', 'o.pool_id').innerJoin('hosts as h', 'h.id', 'o.host_id')
      .select('o.pool_id').distinct().where('p.status', '=', 'Up').where('p.removed', 'is', null).where('h.status', '=', 'Up').execute();
    for (const id of new Set([...down.map((r) => r.id), ...unseen.map((r) => r.pool_id)])) await this.judge(id);
  }

  /** The Down pools holding the VM's volumes (empty: its storage is fine). */
  async downPoolsOf(vmId: number): Promise<Array<{ id: number; name: string }>> {
    return this.db.kysely.selectFrom('volumes as v').innerJoin('storage_pools as p', 'p.id', 'v.pool_id').select(['p.id', 'p.name']).distinct()
      .where('v.vm_id', '=', vmId).where('v.removed', 'is', null).where('p.status', '=', 'Down').execute();
  }

  /** A VM that stopped because its pool went away: remembered (and its owner told) until the pool is back. */
  async remember(vm: { id: number; uuid: string; instance_name: string; account_id: number; domain_id: number; ha: boolean }, pools: Array<{ id: number; name: string }>): Promise<void> {
    const k = this.db.kysely;
    const fresh = await k.selectFrom('storage_outage_vms').select('id').where('vm_id', '=', vm.id).executeTakeFirst() === undefined;
    for (const p of pools) {
      const ins = k.insertInto('storage_outage_vms').values({ pool_id: p.id, vm_id: vm.id, created: Date.now() });
      await (this.db.dialect === 'mysql' ? ins.ignore() : ins.onConflict((oc) => oc.columns(['vm_id', 'pool_id']).doNothing())).execute();
    }
    if (!fresh) return;
    await this.services.events.record({
      type: 'VM.STOP', level: 'WARN', userId: SYSTEM_CALLER.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid,
      description: `VM ${vm.instance_name} stopped: its storage pool ${pools.map((p) => p.name).join(', ')} is unreachable; ${vm.ha ? 'HA starts it again when the pool is back' : 'start it again once the pool is back'}`,
    });
  }

  /** VMs stopped by an outage whose pools are all back (each once). */
  async returned(): Promise<number[]> {
    const k = this.db.kysely;
    const rows = await k.selectFrom('storage_outage_vms as w').innerJoin('storage_pools as p', 'p.id', 'w.pool_id').select(['w.vm_id', 'p.status', 'p.removed']).execute();
    const blocked = new Set(rows.filter((r) => r.status === 'Down' && r.removed === null).map((r) => r.vm_id));
    return [...new Set(rows.map((r) => r.vm_id))].filter((id) => !blocked.has(id));
  }

  async forget(vmId: number): Promise<void> {
    await this.db.kysely.deleteFrom('storage_outage_vms').where('vm_id', '=', vmId).execute();
  }
}
