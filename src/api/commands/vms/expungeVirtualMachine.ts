import { defineCommand, success } from '../../define-command.js';
import { CloudError } from '../../errors.js';
import { USER_ROLES, prepareVm, vmId } from './vm-common.js';

export default defineCommand({
  name: 'expungeVirtualMachine',
  description: 'Expunges a destroyed virtual machine: its disks are deleted and it cannot be recovered.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VM.EXPUNGE',
  instanceType: 'VirtualMachine',
  params: { ...vmId },
  response: success,
  async prepare(ctx, params) {
    if (ctx.caller.roleType !== 'Admin' && !(await ctx.services.config.getBoolean('allow.user.expunge.recover.vm').catch(() => false))) {
      throw new CloudError('PermissionDenied', 'Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.');
    }
    const r = await prepareVm(ctx, params);
    const vm = await ctx.services.vms.access(ctx.caller, params.id);
    if (!['Destroyed', 'Error', 'Expunging'].includes(vm.state)) throw new CloudError('InvalidState', `Please destroy the VM ${vm.instance_name} before expunging it (it is ${vm.state})`);
    return r;
  },
  async handler(ctx, params) {
    await ctx.services.vms.ops.expunge(ctx.caller, params.id);
    return { success: true };
  },
});
