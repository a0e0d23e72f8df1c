import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { diskOfferingResponse, toDiskOffering } from '../../responses/offerings.js';

export default defineCommand({
  name: 'createDiskOffering',
  description: 'Creates a disk offering of a fixed size in GB, or a custom-size one.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  event: 'DISK.OFFERING.CREATE',
  params: {
    name: p.string({ required: true, doc: 'Name of the offering' }),
    displaytext: p.string({ length: 4096, doc: 'Display text (defaults to the name)' }),
    disksize: p.long({ doc: 'Size in GB (omit for a custom-size offering)' }),
    customized: p.boolean({ doc: 'The size is chosen when the volume is created' }),
    tags: p.string({ length: 4096, doc: 'Storage tags (comma separated)' }),
    storagetype: p.string({ doc: 'shared (default) or local' }),
    domainid: p.uuidList({ entity: 'Domain', doc: 'Domain the offering is for; public when omitted' }),
  },
  response: objectOf(diskOfferingResponse),
  async handler(ctx, a) {
    const o = await ctx.services.diskOfferings.create(ctx.caller, { name: a.name, displayText: a.displaytext, diskSize: a.disksize, customized: a.customized, tags: a.tags, storageType: a.storagetype, domainIds: a.domainid });
    return toDiskOffering(o);
  },
});
