import { defineCommand, listOf } from '../../define-command.js';
import { mergeWire } from '../../responses/define.js';
import { vmMetricsFields, vmMetricsResponse } from '../../responses/metrics.js';
import { listVmParams, listVmWires } from '../vms/listVirtualMachines.js';
import { USER_ROLES } from '../vms/vm-common.js';

export default defineCommand({
  name: 'listVirtualMachinesMetrics',
  description: 'Lists virtual machines as listVirtualMachines does, with their latest statistics and totals in GHz, GiB and MiB.',
  roles: [...USER_ROLES],
  async: false,
  params: listVmParams,
  response: listOf(vmMetricsResponse),
  async handler(ctx, params) {
    const r = await listVmWires(ctx, params, true);
    return { items: r.items.map((vm) => mergeWire(vm, vmMetricsFields(vm))), count: r.count };
  },
});
