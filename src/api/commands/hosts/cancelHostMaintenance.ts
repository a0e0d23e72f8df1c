import { hostAction } from './host-action.js';

export default hostAction({
  name: 'cancelHostMaintenance',
  description: 'Returns a host in (or preparing for) maintenance to the allocator; VMs moved away stay where they are.',
  event: 'MAINT.CANCEL',
  run: (ctx, id) => ctx.services.maintenance.cancel(ctx.caller, id),
});
