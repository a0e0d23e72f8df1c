import { defineCommand, objectOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { prepareVm, vmWire } from './vm-common.js';

export default defineCommand({
  name: 'migrateVirtualMachine',
  description: 'Live-migrates a running virtual machine to another host of its cluster (or one reaching its zone-wide storage).',
  roles: ['Admin'],
  async: true,
  event: 'VM.MIGRATE',
  instanceType: 'VirtualMachine',
  params: {
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The virtual machine' }),
    hostid: p.uuid({ entity: 'Host', doc: 'Destination host (required until automatic placement of migrations lands)' }),
   },
  response: objectOf(userVmResponse),
  async prepare(ctx, params) {
    if (params.hostid === undefined) throw paramError('hostid is required: Nimbo does not pick a migration destination yet');
    return prepareVm(ctx, { id: params.virtualmachineid });
  },
  async handler(ctx, params) {
    // The memory sent so far becomes the job's jobprocstatus (0-100) for pollers.
    await ctx.services.vms.migrate(ctx.caller, params.virtualmachineid, params.hostid!, (percent) => void ctx.job?.progress(percent).catch(() => undefined));
    return vmWire(ctx, params.virtualmachineid);
  },
});
