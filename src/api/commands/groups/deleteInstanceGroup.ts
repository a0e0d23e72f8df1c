import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteInstanceGroup',
  description: 'Deletes an instance group; its VMs stay, outside any group.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { id: p.uuid({ entity: 'InstanceGroup', required: true, doc: 'The group' }) },
  response: success,
  async handler(ctx, params) {
    await ctx.services.instanceGroups.delete(ctx.caller, params.id);
    return { success: true };
  },
});
