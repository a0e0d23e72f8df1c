/**
 * Primary storage maintenance with CloudStack's behaviour (StoragePoolAutomationImpl): the
 * pool goes PrepareForMaintenance (no new volumes are placed on it: placement takes Up pools
 * only), every running VM with a disk on it is stopped — a VM type with its own handler
 * (virtual routers, system VMs: restarted elsewhere) uses that instead — then Maintenance;
 * a VM that cannot be stopped leaves the pool ErrorInMaintenance. Cancelling brings the pool
 * back Up and starts the VMs that maintenance stopped, remembered in storage_pool_work.
 */
import { CloudError } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';

export interface MaintenanceVmHandler {
  /** Takes the VM off the pool (e.g. restarts a router on other storage); throws on failure. */
  prepare(caller: Caller, vmId: number, poolId: number): Promise<void>;
  /** Runs when maintenance is cancelled, for VMs `prepare` handled. */
  cancel(caller: Caller, vmId: number, poolId: number): Promise<void>;
}

/** Pool status → the statuses enable/cancel may start from (a resumed job finds its own PrepareForMaintenance). */
const ENABLE_FROM = ['Up', 'Disabled', 'ErrorInMaintenance', 'PrepareForMaintenance'];
const CANCEL_FROM = ['Maintenance', 'PrepareForMaintenance', 'ErrorInMaintenance'];

export class PoolMaintenance {
  private readonly handlers = new Map<string, MaintenanceVmHandler>();

  constructor(private readonly db: Db, private readonly services: Services, private readonly log: (msg: string, err?: unknown) => void = () => {}) {}

  /** The router and system VM areas register how their VMs leave a pool (vm_instances.type). */
  registerVmHandler(vmType: string, h: MaintenanceVmHandler): void {
    this.handlers.set(vmType, h);
  }

  private async setStatus(poolId: number, from: string[], to: string): Promise<void> {
    const r = await this.db.kysely.updateTable('storage_pools').set({ status: to }).where('id', '=', poolId).where('status', 'in', from).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      const p = await this.services.storagePools.get(poolId);
      throw new CloudError('InvalidState', `Storage pool ${p.name} is in state ${p.status}; cannot move it to ${to}`);
    }
  }

  /** Default for user VMs: a graceful stop, remembered so cancel starts the VM again. */
  private readonly userVms: MaintenanceVmHandler = {
    prepare: async (caller, vmId) => {
      await this.services.vms.ops.stop(caller, vmId, false);
    },
    cancel: async (caller, vmId) => {
      const vm = await this.db.kysely.selectFrom('vm_instances').select(['state']).where('id', '=', vmId).where('removed', 'is', null).executeTakeFirst();
      if (vm?.state === 'Stopped') await this.services.vms.start(caller, vmId);
    },
  };

  async enable(caller: Caller, poolId: number): Promise<void> {
    await this.setStatus(poolId, ENABLE_FROM, 'PrepareForMaintenance');
    const vms = await this.db.kysely.selectFrom('volumes as v').innerJoin('vm_instances as vm', 'vm.id', 'v.vm_id')
      .select(['vm.id', 'vm.type', 'vm.instance_name']).distinct()
      .where('v.pool_id', '=', poolId).where('v.removed', 'is', null).where('vm.removed', 'is', null)
      .where('vm.state', 'in', ['Running', 'Starting', 'Stopping', 'Migrating']).orderBy('vm.id').execute();
    const failed: string[] = [];
    for (const vm of vms) {
      const h = this.handlers.get(vm.type) ?? this.userVms;
      const existing = await this.db.kysely.selectFrom('storage_pool_work').select('id').where('pool_id', '=', poolId).where('vm_id', '=', vm.id).executeTakeFirst();
      if (!existing) await this.db.kysely.insertInto('storage_pool_work').values({ pool_id: poolId, vm_id: vm.id, created: Date.now() }).execute();
      try {
        await h.prepare(caller, vm.id, poolId);
        await this.db.kysely.updateTable('storage_pool_work').set({ stopped_for_maintenance: 1 }).where('pool_id', '=', poolId).where('vm_id', '=', vm.id).execute();
      } catch (e) {
        this.log(`storage maintenance could not stop VM ${vm.instance_name}`, e);
        failed.push(`${vm.instance_name}: ${(e as Error).message}`);
      }
    }
    if (failed.length) {
      await this.setStatus(poolId, ['PrepareForMaintenance'], 'ErrorInMaintenance');
      throw new CloudError('ResourceUnavailable', `Unable to prepare the storage pool for maintenance; these VMs could not be stopped: ${failed.join('; ')}`);
    }
    await this.setStatus(poolId, ['PrepareForMaintenance'], 'Maintenance');
  }

  async cancel(caller: Caller, poolId: number): Promise<void> {
    // A resumed cancel finds the pool Up with VMs still to start.
    const pending = await this.db.kysely.selectFrom('storage_pool_work').select('id').where('pool_id', '=', poolId).executeTakeFirst();
    await this.setStatus(poolId, pending ? [...CANCEL_FROM, 'Up'] : CANCEL_FROM, 'Up');
    const work = await this.db.kysely.selectFrom('storage_pool_work as w').innerJoin('vm_instances as vm', 'vm.id', 'w.vm_id')
      .select(['w.id', 'w.vm_id', 'vm.type', 'vm.instance_name']).where('w.pool_id', '=', poolId)
      .where('w.stopped_for_maintenance', '=', 1).where('w.started_after_maintenance', '=', 0).orderBy('w.id').execute();
    for (const w of work) {
      const h = this.handlers.get(w.type) ?? this.userVms;
      try {
        await h.cancel(caller, w.vm_id, poolId);
        await this.db.kysely.updateTable('storage_pool_work').set({ started_after_maintenance: 1 }).where('id', '=', w.id).execute();
      } catch (e) {
        // The pool is back either way; the VM stays stopped for its owner to start.
        this.log(`cancelling storage maintenance could not start VM ${w.instance_name}`, e);
      }
    }
    await this.db.kysely.deleteFrom('storage_pool_work').where('pool_id', '=', poolId).execute();
  }
}
