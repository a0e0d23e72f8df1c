import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteVlanIpRange',
  description: 'Deletes an IP range whose addresses are all free.',
  roles: ['Admin'],
  async: false,
  params: { id: p.uuid({ entity: 'VlanIpRange', required: true, doc: 'The range' }) },
  response: success,
  async handler(ctx, q) {
    await ctx.services.vlanRanges.delete(ctx.caller, q.id);
    return { success: true };
  },
});
