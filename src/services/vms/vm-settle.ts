/**
 * Compensation for a VM job interrupted by a management server's death (issue #12): the job
 * is failed, and the VM it left Starting, Stopping or Migrating is settled from what its host
 * says now. Running there → Running (its reservation stands); not running → Stopped, the
 * host's capacity and the pools of disks never created given back; an Expunging VM is expunged
 * again. A host that cannot be asked yet (its agent is reconnecting to another server) is asked
 * again a little later; one that never comes back is left to HA, which turns its VMs Down.
 */
import { cpuNeed, memNeed } from '../../allocation/capacity.js';
import { releaseHost, releasePool } from '../../allocation/reserve.js';
import type { Db } from '../../db/dialect.js';
import { transition } from '../../orchestration/state/vm-state.js';
import { volumeRef, volumeTransition } from '../../orchestration/state/volume-state.js';
import { CloudError } from '../../api/errors.js';
import type { VmState } from '../../protocol/messages.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';
import { agentSend } from './agent-port.js';
import { vmDb } from './contract.js';
import { ref, volumesOf } from './vm-rows.js';
import type { VmOps } from './vm-ops.js';

const TRANSITIONAL = ['Starting', 'Stopping', 'Migrating'];

export class VmSettler {
  private stopped = false;
  private readonly retries = new Set<NodeJS.Timeout>();

  constructor(private readonly db: Db, private readonly services: Services, private readonly ops: VmOps, private readonly caller: Caller,
    private readonly log: (msg: string, err?: unknown) => void, private readonly retryMs = 2_000, private readonly attempts = 60) {}

  stop(): void {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
  }

  /** Settles the VM now if its host answers, else keeps trying in the background. */
  async settle(vmUuid: string, attempt = 0): Promise<void> {
    const vm = await this.db.kysely.selectFrom('vm_instances').selectAll().where('uuid', '=', vmUuid).where('removed', 'is', null).executeTakeFirst();
    if (!vm) return;
    if (vm.state === 'Expunging') {
      await this.ops.expunge(this.caller, vm.id);
      return;
    }
    if (!TRANSITIONAL.includes(vm.state)) return;
    let running = false;
    if (vm.host_id !== null) {
      try {
        const r = await agentSend(this.services, vm.host_id, { type: 'GetVmStates' });
        running = ((r['vms'] as VmState[] | undefined) ?? []).some((v) => v.instanceName === vm.instance_name && v.state === 'Running');
      } catch (err) {
        if (!(err instanceof CloudError) || this.stopped || attempt >= this.attempts) throw err;
        const t = setTimeout(() => {
          this.retries.delete(t);
          this.settle(vmUuid, attempt + 1).catch((e) => this.log(`settling VM ${vm.instance_name} failed`, e));
        }, this.retryMs);
        t.unref();
        this.retries.add(t);
        return;
      }
    }
    const so = await vmDb(this.db.kysely).selectFrom('service_offerings').select(['cpu_number', 'cpu_speed', 'ram_size']).where('id', '=', vm.service_offering_id).executeTakeFirstOrThrow();
    await this.db.kysely.transaction().execute(async (trx) => {
      if (running) {
        await transition(trx, ref(vm), 'AgentReportRunning');
      } else {
        await transition(trx, ref(vm), 'AgentReportStopped', { host_id: null, last_host_id: vm.host_id ?? vm.last_host_id });
        if (vm.host_id !== null) await releaseHost(trx, vm.host_id, cpuNeed({ cpuNumber: Number(so.cpu_number), cpuSpeed: Number(so.cpu_speed) }), memNeed({ ramMiB: Number(so.ram_size) }));
        for (const v of await volumesOf(trx, vm.id)) {
          if (v.state !== 'Creating') continue;
          if (v.pool_id !== null) await releasePool(trx, v.pool_id, Number(v.size));
          await volumeTransition(trx, volumeRef(v), 'OperationFailed', { pool_id: null });
        }
      }
      await this.services.events.record({
        type: running ? 'VM.START' : 'VM.STOP', level: 'WARN', userId: this.caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid,
        description: `VM ${vm.instance_name} was ${vm.state} when its management server stopped; its host reports it ${running ? 'Running' : 'not running'}`,
      }, trx);
    });
  }
}
