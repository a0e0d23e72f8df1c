import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { serviceOfferingResponse, toServiceOffering } from '../../responses/offerings.js';

export default defineCommand({
  name: 'updateServiceOffering',
  description: 'Renames a compute offering or changes its display text or order; its resources cannot change.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  event: 'SERVICE.OFFERING.EDIT',
  params: {
    id: p.uuid({ entity: 'ServiceOffering', required: true, doc: 'The offering' }),
    name: p.string({ doc: 'New name' }),
    displaytext: p.string({ length: 4096, doc: 'New display text' }),
    sortkey: p.integer({ doc: 'Order in listings (ascending)' }),
  },
  response: objectOf(serviceOfferingResponse),
  async handler(ctx, a) {
    return toServiceOffering(await ctx.services.serviceOfferings.update(ctx.caller, a.id, { name: a.name, displayText: a.displaytext, sortKey: a.sortkey }));
  },
});
