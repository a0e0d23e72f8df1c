import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { diskOfferingResponse, toDiskOffering } from '../../responses/offerings.js';

export default defineCommand({
  name: 'updateDiskOffering',
  description: 'Renames a disk offering or changes its display text or order.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  event: 'DISK.OFFERING.EDIT',
  params: {
    id: p.uuid({ entity: 'DiskOffering', required: true, doc: 'The offering' }),
    name: p.string({ doc: 'New name' }),
    displaytext: p.string({ length: 4096, doc: 'New display text' }),
    sortkey: p.integer({ doc: 'Order in listings (ascending)' }),
  },
  response: objectOf(diskOfferingResponse),
  async handler(ctx, a) {
    return toDiskOffering(await ctx.services.diskOfferings.update(ctx.caller, a.id, { name: a.name, displayText: a.displaytext, sortKey: a.sortkey }));
  },
});
