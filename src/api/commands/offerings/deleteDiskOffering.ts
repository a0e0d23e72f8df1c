import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteDiskOffering',
  description: 'Deletes a disk offering; one still used by volumes is only hidden.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  event: 'DISK.OFFERING.DELETE',
  params: { id: p.uuid({ entity: 'DiskOffering', required: true, doc: 'The offering' }) },
  response: success,
  async handler(ctx, a) {
    await ctx.services.diskOfferings.delete(ctx.caller, a.id);
    return { success: true };
  },
});
