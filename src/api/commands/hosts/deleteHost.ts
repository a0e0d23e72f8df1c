import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteHost',
  description: 'Deletes a host in maintenance without VMs (or any host with forced=true).',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'Host', required: true, doc: 'The host' }),
    forced: p.boolean({ doc: 'Delete even if the host is not in maintenance or still has VMs' }),
    forcedestroylocalstorage: p.boolean({ doc: 'Accepted for compatibility' }),
  },
  response: success,
  async handler(ctx, q) {
    await ctx.services.hosts.delete(ctx.caller, q.id, q.forced === true);
    return { success: true };
  },
});
