import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteServiceOffering',
  description: 'Deletes a compute offering; one still used by VMs is only hidden until they are expunged.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  event: 'SERVICE.OFFERING.DELETE',
  params: { id: p.uuid({ entity: 'ServiceOffering', required: true, doc: 'The offering' }) },
  response: success,
  async handler(ctx, a) {
    await ctx.services.serviceOfferings.delete(ctx.caller, a.id);
    return { success: true };
  },
});
