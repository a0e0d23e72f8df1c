/**
 * Statistics fields as CloudStack prints them: the `details=stats` fields of a VM, a host's
 * use in listHosts, and the pre-formatted figures of the list*Metrics responses.
 */
import type { HostStatsSample, VmStatsSample } from '../../services/monitoring/stats.service.js';
import type { FieldType, Wire } from './define.js';
import { wireDate } from './define.js';

export const VM_STATS_FIELDS = {
  cpuused: 'string', networkkbsread: 'long', networkkbswrite: 'long', diskkbsread: 'long', diskkbswrite: 'long', memorykbs: 'long',
  memoryintfreekbs: 'long', memorytargetkbs: 'long', diskioread: 'long', diskiowrite: 'long',
} as const satisfies Record<string, FieldType>;

/** Java's DecimalFormat("#.##") + "%": at most two decimals, no trailing zeros. */
export const percent = (n: number) => `${Math.round(n * 100) / 100}%`;

/** KiB as CloudStack's metrics print MiB / GiB ("%.2f MB", "%.2f GB"), and MHz as GHz. */
export const mib = (kib: number) => `${(kib / 1024).toFixed(2)} MB`;
export const gibOfBytes = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GB`;
export const ghz = (mhz: number) => `${(mhz / 1000).toFixed(2)} Ghz`;

/** The `details=stats` fields of a VM's latest sample. */
export function vmStatsWire(s: VmStatsSample): Wire {
  const o: Wire = {
    cpuused: percent(s.cpuUsed), networkkbsread: s.networkReadKbs, networkkbswrite: s.networkWriteKbs, diskkbsread: s.diskReadKbs,
    diskkbswrite: s.diskWriteKbs, memorykbs: s.memoryKbs,
  };
  if (s.memoryIntFreeKbs !== null) o['memoryintfreekbs'] = s.memoryIntFreeKbs;
  if (s.memoryTargetKbs !== null) o['memorytargetkbs'] = s.memoryTargetKbs;
  if (s.diskReadIos !== null) o['diskioread'] = s.diskReadIos;
  if (s.diskWriteIos !== null) o['diskiowrite'] = s.diskWriteIos;
  return o;
}

/** One entry of listVirtualMachinesUsageHistory's `stats` (StatsResponse). */
export function statsEntryWire(s: VmStatsSample): Wire {
  const o = vmStatsWire(s);
  return {
    timestamp: wireDate(s.timestamp), ...o, networkread: mib(s.networkReadKbs), networkwrite: mib(s.networkWriteKbs),
    ...(s.diskReadIos !== null && s.diskWriteIos !== null ? { diskiopstotal: s.diskReadIos + s.diskWriteIos } : {}),
  };
}

/** A host's use in HostResponse (absent until the collector has heard from the host). */
export function hostStatsWire(s: HostStatsSample | undefined): Wire {
  if (!s) return {};
  const o: Wire = { cpuused: percent(s.cpuUsed), networkkbsread: s.networkReadKbs, networkkbswrite: s.networkWriteKbs, memoryused: s.memoryUsed };
  if (s.cpuLoadAverage !== null) o['cpuloadaverage'] = s.cpuLoadAverage;
  return o;
}
