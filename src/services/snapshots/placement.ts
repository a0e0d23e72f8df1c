/**
 * Which host runs a storage operation. A volume of a running VM is snapshotted by the VM's
 * host (the hypervisor owns the open disk); otherwise any connected Up host that reaches the
 * volume's pool (its cluster, or the zone for a zone-wide pool). Secondary-storage-only work
 * (deleting a backup, a template from a backup chain) may run on any connected host of the zone.
 */
import { CloudError } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import type { AgentCommand } from '../../protocol/messages.js';
import type { Services } from '../index.js';

export interface VolumeLocation {
  id: number;
  zone_id: number;
  pool_id: number | null;
  vm_id: number | null;
}

export class StorageHosts {
  constructor(private readonly db: Db, private readonly services: Services) {}

  async forVolume(v: VolumeLocation): Promise<number> {
    const k = this.db.kysely;
    if (v.vm_id !== null) {
      const vm = await k.selectFrom('vm_instances').select(['state', 'host_id']).where('id', '=', v.vm_id).executeTakeFirst();
      if (vm?.state === 'Running' && vm.host_id !== null) {
        if (this.services.agents.isConnected(vm.host_id)) return vm.host_id;
        throw new CloudError('ResourceUnavailable', 'The host of the volume\'s virtual machine is not connected');
      }
    }
    if (v.pool_id === null) throw new CloudError('InvalidState', 'The volume is not on primary storage yet');
    const pool = await k.selectFrom('storage_pools').select(['zone_id', 'cluster_id', 'scope']).where('id', '=', v.pool_id).executeTakeFirstOrThrow();
    let q = k.selectFrom('hosts').select('id').where('status', '=', 'Up').where('removed', 'is', null).where('zone_id', '=', pool.zone_id);
    if (pool.cluster_id !== null && pool.scope !== 'ZONE') q = q.where('cluster_id', '=', pool.cluster_id);
    return this.firstConnected(await q.orderBy('id').execute(), 'No connected host can reach the volume\'s storage pool');
  }

  async inZone(zoneId: number): Promise<number> {
    const rows = await this.db.kysely.selectFrom('hosts').select('id').where('status', '=', 'Up').where('removed', 'is', null).where('zone_id', '=', zoneId)
      .orderBy('id').execute();
    return this.firstConnected(rows, 'No connected host in the zone can reach its secondary storage');
  }

  private firstConnected(rows: { id: number }[], why: string): number {
    const up = rows.filter((r) => this.services.agents.isConnected(r.id));
    if (!up.length) throw new CloudError('ResourceUnavailable', why);
    // Spread the work over the connected hosts (a day of policies must not all land on one).
    return up[Math.floor(Math.random() * up.length)]!.id;
  }

  /** Sends a command; an answer with `result: false` becomes a 534 carrying its details. */
  async send(hostId: number, cmd: AgentCommand): Promise<Record<string, unknown>> {
    const r = await this.services.agents.send(hostId, cmd);
    if (r.result === false) throw new CloudError('ResourceUnavailable', `${cmd.type} failed: ${r.details}`);
    return r;
  }
}
