import { defineCommand, objectOf } from '../../define-command.js';
import { systemVmResponse, toSystemVm } from '../../responses/systemvm.js';
import { SYSTEM_VM_ROLES, prepareSystemVm, systemVmId } from './systemvm-common.js';

export default defineCommand({
  name: 'startSystemVm',
  description: 'Starts a stopped console proxy (PROXY.START): it accepts viewers again; its management server must be running.',
  roles: [...SYSTEM_VM_ROLES],
  async: true,
  event: 'PROXY.START',
  instanceType: 'SystemVm',
  params: { ...systemVmId },
  response: objectOf(systemVmResponse),
  prepare: prepareSystemVm,
  async handler(ctx, q) {
    return toSystemVm(await ctx.services.consoleProxies.start(q.id));
  },
});
