/** The metrics commands (issue #9, monitoring): lists with statistics and human-readable totals. */
import type { AnyCommand } from '../../define-command.js';
import listVirtualMachinesMetrics from './listVirtualMachinesMetrics.js';
import listHostsMetrics from './listHostsMetrics.js';
import listVolumesMetrics from './listVolumesMetrics.js';
import listVirtualMachinesUsageHistory from './listVirtualMachinesUsageHistory.js';

export const METRICS_COMMANDS: AnyCommand[] = [listVirtualMachinesMetrics, listHostsMetrics, listVolumesMetrics, listVirtualMachinesUsageHistory] as AnyCommand[];
