import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, prepareVm, rootAdminOnly, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'startVirtualMachine',
  description: 'Starts a virtual machine.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VM.START',
  instanceType: 'VirtualMachine',
  params: { ...vmId,
    hostid: p.uuid({ entity: 'Host', doc: 'Destination host (root admin)' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'Destination cluster (root admin)' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Destination pod (root admin)' }),
   },
  response: objectOf(userVmResponse),
  async prepare(ctx, params) {
    rootAdminOnly(ctx, params);
    return prepareVm(ctx, params);
  },
  async handler(ctx, params) {
    const o: { hostId?: number; clusterId?: number; podId?: number } = {};
    if (params.hostid !== undefined) o.hostId = params.hostid;
    if (params.clusterid !== undefined) o.clusterId = params.clusterid;
    if (params.podid !== undefined) o.podId = params.podid;
    await ctx.services.vms.start(ctx.caller, params.id, o);
    return vmWire(ctx, params.id);
  },
});
