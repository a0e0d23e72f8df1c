/**
 * Host maintenance (the seed's "Scheduled Maintenance and Maintenance Mode"):
 * prepareHostForMaintenance takes the host out of the allocator at once (PrepareForMaintenance),
 * live-migrates its VMs one by one to hosts of the same cluster chosen by the planner and
 * ends in Maintenance; a VM that cannot move leaves the host in ErrorInMaintenance with the
 * reason (event, alert and the job's error). cancelHostMaintenance returns the host to the
 * pool; nothing migrates back. The resource state is in the database, so a host that reboots
 * or reconnects stays in maintenance until cancelled.
 */
import type { Logger } from 'pino';
import { CloudError } from '../../api/errors.js';
import { plan } from '../../allocation/planner.js';
import { loadSnapshot } from '../../allocation/snapshot.js';
import type { Db } from '../../db/dialect.js';
import { resourceTransition, type ResourceEvent } from '../../orchestration/state/host-state.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';
import type { HostRow } from '../hosts/host.queries.js';
import { loadVm, volumesOf } from '../vms/vm-rows.js';
import { ALERT } from './alert-types.js';
import type { AlertService } from './alert.service.js';

/** VM states that will settle by themselves; maintenance waits for them. */
const SETTLING = ['Starting', 'Stopping', 'Migrating'];

export class HostMaintenanceService {
  constructor(private readonly db: Db, private readonly services: Services, private readonly alerts: AlertService, private readonly log: Logger) {}

  private async setState(caller: Caller, h: HostRow, e: ResourceEvent, event: { type: string; text: string; level?: 'INFO' | 'ERROR' }): Promise<void> {
    const ok = await this.db.kysely.transaction().execute(async (trx) => {
      const to = await resourceTransition(trx, { id: h.id, resource_state: h.resource_state }, e);
      if (!to) return false;
      await this.services.events.record({
        type: event.type, level: event.level ?? 'INFO', description: event.text, userId: caller.userId, accountId: caller.accountId,
        domainId: caller.domainId, resourceType: 'Host', resourceUuid: h.uuid,
      }, trx);
      return true;
    });
    if (!ok) {
      const now = await this.services.hosts.get(h.id);
      throw new CloudError('InvalidState', `Host ${h.name} is in resource state ${now.resource_state}; cannot ${e === 'AdminCancelMaintenance' ? 'cancel maintenance' : 'prepare it for maintenance'}`);
    }
  }

  /** Runs to completion (the async job's body): Maintenance, or ErrorInMaintenance and a thrown reason. */
  async prepare(caller: Caller, hostId: number): Promise<HostRow> {
    let h = await this.services.hosts.get(hostId);
    const vmCount = (await this.vmsOn(hostId)).length;
    if (h.type !== 'Routing') throw new CloudError('InvalidState', `Host ${h.name} is not a hypervisor host`);
    if (h.status !== 'Up' && vmCount > 0) {
      throw new CloudError('InvalidState', `Host ${h.name} is ${h.status}: its ${vmCount} VMs cannot be migrated until it is Up`);
    }
    await this.setState(caller, h, 'AdminAskMaintenance', { type: 'MAINT.PREPARE', text: `Preparing host ${h.name} for maintenance` });
    h = await this.services.hosts.get(hostId);
    const failures = await this.evacuate(caller, h);
    h = await this.services.hosts.get(hostId);
    if (h.resource_state !== 'PrepareForMaintenance') return h; // cancelled meanwhile
    if (failures.length) {
      const reason = `Host ${h.name} could not be emptied: ${failures.join('; ')}`;
      await this.setState(caller, h, 'Error', { type: 'MAINT.PREPARE', text: reason, level: 'ERROR' });
      await this.alerts.raise({ type: ALERT.HOST, key: `maintenance:${h.id}`, subject: `Unable to put host ${h.name} into maintenance`, body: reason, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id })
        .catch((err) => this.log.warn({ err }, 'raising the maintenance alert failed'));
      throw new CloudError('Internal', `${reason}. The host is in ErrorInMaintenance: fix the cause and prepare it again, or cancel maintenance`);
    }
    await this.setState(caller, h, 'InternalEnterMaintenance', { type: 'MAINT.PREPARE', text: `Host ${h.name} is in maintenance` });
    return this.services.hosts.get(hostId);
  }

  async cancel(caller: Caller, hostId: number): Promise<HostRow> {
    const h = await this.services.hosts.get(hostId);
    await this.setState(caller, h, 'AdminCancelMaintenance', { type: 'MAINT.CANCEL', text: `Cancelling maintenance of host ${h.name}` });
    return this.services.hosts.get(hostId);
  }

  private async vmsOn(hostId: number) {
    return this.db.kysely.selectFrom('vm_instances').select(['id', 'instance_name', 'state']).where('host_id', '=', hostId).where('removed', 'is', null)
      .where('state', 'not in', ['Stopped', 'Destroyed', 'Expunging', 'Error', 'Down']).orderBy('id').execute();
  }

  /** Migrates every VM off the host; returns one reason per VM that could not move. */
  private async evacuate(caller: Caller, h: HostRow): Promise<string[]> {
    const failed = new Map<number, string>();
    const settleUntil = Date.now() + 120_000;
    for (;;) {
      const now = await this.services.hosts.get(h.id);
      if (now.resource_state !== 'PrepareForMaintenance') return [];
      const vms = (await this.vmsOn(h.id)).filter((v) => !failed.has(v.id));
      if (!vms.length) break;
      const running = vms.filter((v) => v.state === 'Running');
      if (!running.length) {
        // Only VMs in the middle of a start, stop or migration: wait for them to settle.
        if (Date.now() > settleUntil) {
          for (const v of vms) failed.set(v.id, `VM ${v.instance_name} stayed ${v.state}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      for (const v of running) {
        if ((await this.services.hosts.get(h.id)).resource_state !== 'PrepareForMaintenance') return [];
        const why = await this.migrateAway(caller, v.id, h);
        if (why) failed.set(v.id, `VM ${v.instance_name} cannot be migrated: ${why}`);
      }
    }
    return [...failed.values()];
  }

  /** Tries the planner's candidates in the host's cluster in order; returns why none worked. */
  private async migrateAway(caller: Caller, vmId: number, h: HostRow): Promise<string | undefined> {
    const vm = await loadVm(this.db, vmId);
    if (vm.state !== 'Running' || vm.host_id !== h.id) return undefined; // moved or stopped meanwhile
    const starter = this.services.vms.starter;
    const req = await starter.requirements(vm, await volumesOf(this.db, vm.id), { clusterId: h.cluster_id });
    req.avoid.hosts.add(h.id);
    const snap = await loadSnapshot(this.db.kysely, vm.zone_id, vm.account_id, await starter.factors());
    const algorithm = (await this.services.config.get('vm.allocation.algorithm')) ?? 'random';
    const p = plan(snap, req, algorithm);
    if (!p.candidates.length) {
      const removed = Object.entries(p.removed).filter(([, n]) => n > 0).map(([f, n]) => `${f} removed ${n}`).join(', ');
      return `no other host of the cluster can take it${removed ? ` (${removed})` : ''}`;
    }
    let last = '';
    for (const c of p.candidates) {
      try {
        await this.services.vms.migrate(caller, vm.id, c.host.id);
        return undefined;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        const now = await loadVm(this.db, vm.id);
        if (now.state !== 'Running' || now.host_id !== h.id) return undefined;
      }
    }
    return last;
  }
}
