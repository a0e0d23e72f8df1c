import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { systemVmResponse, toSystemVm } from '../../responses/systemvm.js';
import { SYSTEM_VM_ROLES, prepareSystemVm, systemVmId } from './systemvm-common.js';

export default defineCommand({
  name: 'rebootSystemVm',
  description: 'Reboots a console proxy (PROXY.REBOOT): its viewer sessions end and it keeps accepting new ones.',
  roles: [...SYSTEM_VM_ROLES],
  async: true,
  event: 'PROXY.REBOOT',
  instanceType: 'SystemVm',
  params: { ...systemVmId, forced: p.boolean({ doc: 'Force the action (sessions end at once either way)' }) },
  response: objectOf(systemVmResponse),
  prepare: prepareSystemVm,
  async handler(ctx, q) {
    return toSystemVm(await ctx.services.consoleProxies.reboot(q.id));
  },
});
