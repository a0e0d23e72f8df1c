/**
 * Stop, reboot, destroy, recover, expunge and the agent's state reports. Every state change
 * goes through transition() and writes its event in the same transaction.
 */
import type { Kysely } from 'kysely';
import { CloudError } from '../../api/errors.js';
import { cpuNeed, memNeed } from '../../allocation/capacity.js';
import { releaseHost, releasePool } from '../../allocation/reserve.js';
import type { Db } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { transition, type VmEvent } from '../../orchestration/state/vm-state.js';
import { volumeRef, volumeTransition } from '../../orchestration/state/volume-state.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';
import { agentSend, type VmStateReport } from './agent-port.js';
import { vmDb } from './contract.js';
import { loadVm, ref, requireState, volumesOf, type VmRow } from './vm-rows.js';

export class VmOps {
  /** Told (after commit) of each VM an agent reported stopped while the server expected it Running: HA restarts it. */
  readonly reportedStopped: Array<(vmId: number) => void> = [];

  constructor(private readonly db: Db, private readonly services: Services) {}

  private async offering(vm: VmRow, exec: Kysely<Database> = this.db.kysely) {
    return vmDb(exec).selectFrom('service_offerings').select(['cpu_number', 'cpu_speed', 'ram_size']).where('id', '=', vm.service_offering_id).executeTakeFirstOrThrow();
  }

  private async event(trx: Kysely<Database>, caller: Caller, vm: VmRow, type: string, description: string, level: 'INFO' | 'WARN' | 'ERROR' = 'INFO') {
    await this.services.events.record({ type, level, description, userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid }, trx);
  }

  /** The host's capacity goes back when the VM leaves it. */
  private async leaveHost(trx: Kysely<Database>, vm: VmRow) {
    if (vm.host_id === null) return;
    const so = await this.offering(vm, trx);
    await releaseHost(trx, vm.host_id, cpuNeed({ cpuNumber: Number(so.cpu_number), cpuSpeed: Number(so.cpu_speed) }), memNeed({ ramMiB: Number(so.ram_size) }));
  }

  /** Graceful stop, forced after `vm.stop.timeout` (or at once with `forced`). */
  async stop(caller: Caller, vmId: number, forced: boolean): Promise<VmRow> {
    let vm = await loadVm(this.db, vmId);
    if (vm.state === 'Stopped') return vm;
    requireState(vm, ['Running'], 'stop');
    const r = await transition(this.db.kysely, ref(vm), 'StopRequested');
    vm = { ...vm, ...r };
    try {
      if (!forced) {
        const timeout = ((await this.services.config.getNumber('vm.stop.timeout').catch(() => 0)) || 10) * 1000;
        try {
          await withTimeout(agentSend(this.services, vm.host_id!, { type: 'StopVm', instanceName: vm.instance_name, force: false }), timeout);
        } catch {
          forced = true;
        }
      }
      if (forced) await agentSend(this.services, vm.host_id!, { type: 'StopVm', instanceName: vm.instance_name, force: true });
    } catch (e) {
      await transition(this.db.kysely, ref(vm), 'OperationFailed');
      throw new CloudError('ResourceUnavailable', `Unable to stop VM ${vm.instance_name}: ${e instanceof Error ? e.message : e}`);
    }
    return this.stopped(caller, vm, 'OperationSucceeded', `Stopping VM ${vm.instance_name}`);
  }

  private async stopped(caller: Caller, vm: VmRow, event: VmEvent, text: string): Promise<VmRow> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await transition(trx, ref(vm), event, { host_id: null, last_host_id: vm.host_id ?? vm.last_host_id });
      await this.leaveHost(trx, vm);
      await this.event(trx, caller, vm, 'VM.STOP', text);
    });
    return loadVm(this.db, vm.id);
  }

  async reboot(caller: Caller, vmId: number): Promise<VmRow> {
    const vm = await loadVm(this.db, vmId);
    requireState(vm, ['Running'], 'reboot');
    await agentSend(this.services, vm.host_id!, { type: 'RebootVm', instanceName: vm.instance_name });
    await this.event(this.db.kysely, caller, vm, 'VM.REBOOT', `Rebooting VM ${vm.instance_name}`);
    return loadVm(this.db, vm.id);
  }

  /** Running VMs are stopped abruptly first; then Destroyed (recoverable) or expunged at once. */
  async destroy(caller: Caller, vmId: number, expunge: boolean): Promise<VmRow> {
    let vm = await loadVm(this.db, vmId);
    if (vm.state === 'Running') vm = await this.stop(caller, vmId, true);
    requireState(vm, ['Stopped', 'Error', 'Down'], 'destroy');
    if (vm.state === 'Error') return this.expunge(caller, vmId);
    await this.db.kysely.transaction().execute(async (trx) => {
      await transition(trx, ref(vm), 'DestroyRequested', { host_id: null });
      await this.leaveHost(trx, vm);
      const so = await this.offering(vm, trx);
      await this.services.limits.releaseAll(trx, vm.account_id, { user_vm: 1, cpu: Number(so.cpu_number), memory: Number(so.ram_size) });
      for (const v of await volumesOf(trx, vm.id)) {
        if (v.volume_type === 'ROOT' && v.state !== 'Destroy') await volumeTransition(trx, volumeRef(v), 'DestroyRequested');
      }
      await this.event(trx, caller, vm, 'VM.DESTROY', `Destroying VM ${vm.instance_name}`);
    });
    // Security-group peers no longer allow its address.
    await this.services.securityGroupPusher.vmChanged(vm.id);
    return expunge ? this.expunge(caller, vmId) : loadVm(this.db, vmId);
  }

  async recover(caller: Caller, vmId: number): Promise<VmRow> {
    const vm = await loadVm(this.db, vmId);
    requireState(vm, ['Destroyed'], 'recover');
    await this.db.kysely.transaction().execute(async (trx) => {
      const so = await this.offering(vm, trx);
      await this.services.limits.reserveAll(trx, vm.account_id, { user_vm: 1, cpu: Number(so.cpu_number), memory: Number(so.ram_size) });
      await transition(trx, ref(vm), 'RecoveryRequested');
      for (const v of await volumesOf(trx, vm.id)) {
        if (v.state === 'Destroy') await volumeTransition(trx, volumeRef(v), v.pool_id === null ? 'RecoverAllocated' : 'RecoverRequested');
      }
      await this.event(trx, caller, vm, 'VM.RECOVER', `Recovering VM ${vm.instance_name}`);
    });
    return loadVm(this.db, vmId);
  }

  /**
   * Deletes the root disk on its pool and marks it and the VM removed; counts and pool room go
   * back. Data disks survive, detached (CloudStack's VolumeOrchestrator.cleanupVolumes).
   */
  async expunge(caller: Caller, vmId: number): Promise<VmRow> {
    let vm = await loadVm(this.db, vmId);
    if (vm.state === 'Running') vm = await this.stop(caller, vmId, true);
    if (vm.state === 'Stopped' || vm.state === 'Down') vm = await this.destroy(caller, vmId, false);
    requireState(vm, ['Destroyed', 'Error', 'Expunging'], 'expunge');
    const r = await transition(this.db.kysely, ref(vm), 'ExpungeOperation');
    vm = { ...vm, ...r };
    // The hypervisor forgets the VM too (a real host keeps a stopped guest's definition, console log and rules).
    if (vm.last_host_id !== null) await agentSend(this.services, vm.last_host_id, { type: 'DestroyVm', instanceName: vm.instance_name }).catch(() => undefined);
    const all = await volumesOf(this.db, vm.id);
    const vols = all.filter((v) => v.volume_type === 'ROOT');
    for (const v of vols) {
      if (v.pool_id === null || v.path === null) continue;
      const host = vm.last_host_id;
      if (host !== null) {
        await agentSend(this.services, host, { type: 'DeleteVolume', volumeUuid: v.uuid, path: v.path }).catch(() => undefined);
      }
    }
    const wasError = r.from === 'Error';
    let left: number[] = [];
    const networks = await this.db.kysely.transaction().execute(async (trx) => {
      const now = Date.now();
      await transition(trx, ref(vm), 'ExpungeOperation', { removed: now, host_id: null });
      await this.leaveHost(trx, vm);
      for (const v of vols) if (v.pool_id !== null) await releasePool(trx, v.pool_id, Number(v.size));
      for (const v of await volumesOf(trx, vm.id)) {
        if (v.volume_type !== 'ROOT') {
          await trx.updateTable('volumes').set({ vm_id: null, device_id: null, attached: null }).where('id', '=', v.id).execute();
          await this.services.events.record({ type: 'VOLUME.DETACH', description: `Detaching volume ${v.name} from expunged VM ${vm.instance_name}`, userId: caller.userId, accountId: v.account_id, domainId: v.domain_id, resourceType: 'Volume', resourceUuid: v.uuid }, trx);
          continue;
        }
        let cur = volumeRef(v);
        if (cur.state !== 'Destroy') cur = await volumeTransition(trx, cur, 'DestroyRequested');
        cur = await volumeTransition(trx, cur, 'ExpungingRequested');
        await volumeTransition(trx, cur, 'OperationSucceeded', { removed: now });
      }
      const so = await this.offering(vm, trx);
      await this.services.limits.releaseAll(trx, vm.account_id, {
        volume: vols.length, primary_storage: vols.reduce((s, v) => s + Number(v.size), 0),
        // A VM that never left Error was not destroyed: its instance, CPU and memory counts go now.
        ...(wasError ? { user_vm: 1, cpu: Number(so.cpu_number), memory: Number(so.ram_size) } : {}),
      });
      await this.services.instanceGroups.assign(trx, vm.id, null, vm.account_id);
      left = await this.services.securityGroups.leave(trx, vm.id);
      await this.services.directNetworks.releaseVm(trx, vm.id);
      await this.event(trx, caller, vm, 'VM.EXPUNGE', `Expunging VM ${vm.instance_name}`);
      // The seed: an expunged (unrecoverable) VM's IP address is reclaimed; a Destroyed one keeps it for recovery.
      return this.services.nics.releaseNics(trx, vm.id);
    });
    await this.services.securityGroupPusher.pushGroups(left, { peers: true });
    for (const n of networks) await this.services.networkNotifier.changed(n);
    return { ...vm, state: 'Expunging', removed: Date.now() };
  }

  /**
   * An agent's report: a VM the database thinks is running but the host reports stopped is
   * marked Stopped, with an event (HA restarts come later). A report older than the last
   * transition is not believed.
   */
  async reconcile(caller: Caller, r: VmStateReport): Promise<boolean> {
    const vm = await this.db.kysely.selectFrom('vm_instances').selectAll().where('instance_name', '=', r.instanceName).where('removed', 'is', null).executeTakeFirst();
    if (!vm || r.at < Number(vm.state_changed)) return false;
    if (r.state !== 'Stopped' || vm.state !== 'Running' || vm.host_id !== r.hostId) return false;
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        await transition(trx, ref(vm), 'AgentReportStopped', { host_id: null, last_host_id: vm.host_id });
        await this.leaveHost(trx, vm);
        await this.event(trx, caller, vm, 'VM.STOP', `VM ${vm.instance_name} was reported stopped by its host`, 'WARN');
      });
      for (const fn of this.reportedStopped) fn(vm.id);
      return true;
    } catch (e) {
      if (e instanceof CloudError && e.kind === 'InvalidState') return false; // a newer transition won
      throw e;
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error('timeout')), ms); })]).finally(() => clearTimeout(t));
}
