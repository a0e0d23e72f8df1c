/**
 * Reading the collected statistics (`services.stats`): a VM's latest sample, its history
 * within the retention, and hosts' latest figures. Values come back as plain numbers
 * (bigint columns arrive as strings on PostgreSQL and MariaDB).
 */
import type { Db } from '../../db/dialect.js';
import type { StatsCollector } from './stats-collector.js';

export interface VmStatsSample {
  vmId: number;
  timestamp: number;
  /** Percent of the VM's vCPUs. */
  cpuUsed: number;
  memoryKbs: number;
  memoryIntFreeKbs: number | null;
  memoryTargetKbs: number | null;
  networkReadKbs: number;
  networkWriteKbs: number;
  diskReadKbs: number;
  diskWriteKbs: number;
  diskReadIos: number | null;
  diskWriteIos: number | null;
}

export interface HostStatsSample {
  hostId: number;
  timestamp: number;
  /** Percent of the host's CPU capacity. */
  cpuUsed: number;
  /** Bytes. */
  memoryUsed: number;
  networkReadKbs: number;
  networkWriteKbs: number;
  cpuLoadAverage: number | null;
}

const CHUNK = 500;
const num = (v: unknown) => Number(v);
const optNum = (v: unknown) => (v === null || v === undefined ? null : Number(v));

type VmRow = { vm_id: number; timestamp: number; cpu_used: number; memory_kbs: number; memory_int_free_kbs: number | null; memory_target_kbs: number | null; network_read_kbs: number; network_write_kbs: number; disk_read_kbs: number; disk_write_kbs: number; disk_read_ios: number | null; disk_write_ios: number | null };

function toVmSample(r: VmRow): VmStatsSample {
  return {
    vmId: num(r.vm_id), timestamp: num(r.timestamp), cpuUsed: num(r.cpu_used) / 100, memoryKbs: num(r.memory_kbs), memoryIntFreeKbs: optNum(r.memory_int_free_kbs),
    memoryTargetKbs: optNum(r.memory_target_kbs), networkReadKbs: num(r.network_read_kbs), networkWriteKbs: num(r.network_write_kbs), diskReadKbs: num(r.disk_read_kbs),
    diskWriteKbs: num(r.disk_write_kbs), diskReadIos: optNum(r.disk_read_ios), diskWriteIos: optNum(r.disk_write_ios),
  };
}

const VM_COLUMNS = ['vm_id', 'timestamp', 'cpu_used', 'memory_kbs', 'memory_int_free_kbs', 'memory_target_kbs', 'network_read_kbs', 'network_write_kbs', 'disk_read_kbs', 'disk_write_kbs', 'disk_read_ios', 'disk_write_ios'] as const;

export class StatsService {
  constructor(readonly db: Db, readonly collector: StatsCollector) {}

  /** The latest sample of each VM that has one. */
  async latestForVms(vmIds: number[]): Promise<Map<number, VmStatsSample>> {
    const out = new Map<number, VmStatsSample>();
    for (let i = 0; i < vmIds.length; i += CHUNK) {
      const part = vmIds.slice(i, i + CHUNK);
      const rows = await this.db.kysely.selectFrom('vm_stats as s').select(VM_COLUMNS.map((c) => `s.${c}` as const))
        .where('s.vm_id', 'in', part)
        .where('s.timestamp', '=', (eb) => eb.selectFrom('vm_stats as t').select((e) => e.fn.max('t.timestamp').as('m')).whereRef('t.vm_id', '=', 's.vm_id'))
        .execute();
      for (const r of rows) if (!out.has(num(r.vm_id))) out.set(num(r.vm_id), toVmSample(r as VmRow));
    }
    return out;
  }

  /** Every kept sample of the VMs between `from` and `to` (epoch ms, inclusive), oldest first. */
  async history(vmIds: number[], from?: number, to?: number): Promise<Map<number, VmStatsSample[]>> {
    const out = new Map<number, VmStatsSample[]>();
    for (let i = 0; i < vmIds.length; i += CHUNK) {
      let q = this.db.kysely.selectFrom('vm_stats').select([...VM_COLUMNS]).where('vm_id', 'in', vmIds.slice(i, i + CHUNK));
      if (from !== undefined) q = q.where('timestamp', '>=', from);
      if (to !== undefined) q = q.where('timestamp', '<=', to);
      for (const r of await q.orderBy('timestamp').orderBy('id').execute()) {
        const s = toVmSample(r as VmRow);
        out.set(s.vmId, [...(out.get(s.vmId) ?? []), s]);
      }
    }
    return out;
  }

  async forHosts(hostIds: number[]): Promise<Map<number, HostStatsSample>> {
    const out = new Map<number, HostStatsSample>();
    for (let i = 0; i < hostIds.length; i += CHUNK) {
      const rows = await this.db.kysely.selectFrom('host_stats').selectAll().where('host_id', 'in', hostIds.slice(i, i + CHUNK)).execute();
      for (const r of rows) {
        out.set(num(r.host_id), {
          hostId: num(r.host_id), timestamp: num(r.timestamp), cpuUsed: num(r.cpu_used) / 100, memoryUsed: num(r.memory_used), networkReadKbs: num(r.network_read_kbs),
          networkWriteKbs: num(r.network_write_kbs), cpuLoadAverage: r.cpu_load_average === null ? null : num(r.cpu_load_average) / 100,
        });
      }
    }
    return out;
  }
}
