/**
 * Monitoring (issue #9): VM statistics history bounded by `vm.stats.max.retention.time`, and
 * each host's latest statistics. Percentages are kept in hundredths (integers on every
 * dialect); traffic is what moved during the sample, as the agent reports it.
 */
import type { Generated } from 'kysely';

export interface VmStatsTable {
  id: Generated<number>;
  vm_id: number;
  host_id: number;
  /** Epoch ms the collector received the sample. */
  timestamp: number;
  /** CPU use in hundredths of a percent of the VM's vCPUs. */
  cpu_used: number;
  memory_kbs: number;
  memory_int_free_kbs: number | null;
  memory_target_kbs: number | null;
  network_read_kbs: number;
  network_write_kbs: number;
  disk_read_kbs: number;
  disk_write_kbs: number;
  disk_read_ios: number | null;
  disk_write_ios: number | null;
}

export interface HostStatsTable {
  host_id: number;
  timestamp: number;
  /** Hundredths of a percent of the host's CPU capacity. */
  cpu_used: number;
  /** Bytes. */
  memory_used: number;
  network_read_kbs: number;
  network_write_kbs: number;
  /** Hundredths; null when the driver does not report it. */
  cpu_load_average: number | null;
}

export interface StatsTables {
  vm_stats: VmStatsTable;
  host_stats: HostStatsTable;
}
