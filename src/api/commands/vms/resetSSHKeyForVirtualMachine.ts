import { defineCommand, objectOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, prepareVm, vmId, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'resetSSHKeyForVirtualMachine',
  description: 'Resets the SSH key of a stopped virtual machine.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VM.RESETSSHKEY',
  instanceType: 'VirtualMachine',
  responseName: 'resetSSHKeyforvirtualmachineresponse',
  params: {
    ...vmId,
    keypair: p.string({ doc: 'Name of the SSH key pair' }),
    account: p.string({ doc: 'Owner account of the key pair (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the account' }),
  },
  response: objectOf(userVmResponse),
  prepare: prepareVm,
  async handler(ctx, params) {
    if (!params.keypair) throw paramError('keypair is required');
    await ctx.services.vms.resetSshKey(ctx.caller, params.id, params.keypair);
    return vmWire(ctx, params.id);
  },
});
