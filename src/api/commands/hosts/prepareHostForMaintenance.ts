import { hostAction } from './host-action.js';

export default hostAction({
  name: 'prepareHostForMaintenance',
  description: 'Takes a host out of the allocator and live-migrates its VMs to other hosts of its cluster; ends in Maintenance, or ErrorInMaintenance when a VM cannot move.',
  event: 'MAINT.PREPARE',
  run: (ctx, id) => ctx.services.maintenance.prepare(ctx.caller, id),
});
