import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteZone',
  description: 'Deletes an empty zone (no pods, hosts, storage, physical networks or addresses in use).',
  roles: ['Admin'],
  async: false,
  params: { id: p.uuid({ entity: 'Zone', required: true, doc: 'The zone' }) },
  response: success,
  async handler(ctx, q) {
    await ctx.services.zones.delete(ctx.caller, q.id);
    return { success: true };
  },
});
