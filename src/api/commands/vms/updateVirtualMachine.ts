import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'updateVirtualMachine',
  description: 'Updates a virtual machine: name (stopped VMs), display name, group, HA, OS type, user data.',
  roles: [...USER_ROLES],
  async: false,
  params: {
    ...vmId,
    name: p.string({ doc: 'New host name (RFC 1123; the VM must be stopped)' }),
    displayname: p.string({ doc: 'User generated name' }),
    group: p.string({ doc: 'Group of the virtual machine' }),
    haenable: p.boolean({ doc: 'true if high-availability is enabled for the virtual machine' }),
    ostypeid: p.uuid({ entity: 'OsType', doc: 'The OS type of the virtual machine' }),
    userdata: p.string({ length: 1_048_576, sensitive: true, doc: 'New base64 user data' }),
  },
  response: objectOf(userVmResponse),
  async handler(ctx, params) {
    await ctx.services.vms.access(ctx.caller, params.id);
    await ctx.services.vms.update(ctx.caller, params.id, params);
    return vmWire(ctx, params.id);
  },
});
