import { defineCommand, objectOf } from '../../define-command.js';
import { CloudError } from '../../errors.js';
import { defineResponse } from '../../responses/define.js';
import { USER_ROLES, vmId } from './vm-common.js';

const passwordResponse = defineResponse({ objectName: 'password', className: 'GetVMPasswordResponse', fields: { encryptedpassword: 'string' } });

export default defineCommand({
  name: 'getVMPassword',
  description: 'Returns the VM\'s password as set by deploy or resetPasswordForVirtualMachine.',
  roles: [...USER_ROLES],
  async: false,
  params: { ...vmId },
  response: objectOf(passwordResponse),
  async handler(ctx, params) {
    const vm = await ctx.services.vms.access(ctx.caller, params.id);
    if (!vm.password) throw new CloudError('ParamError', `No password for VM with specified id found. If VM is created from password enabled template and SSH keypair is assigned to VM then only password can be retrieved`);
    return { encryptedpassword: vm.password };
  },
});
