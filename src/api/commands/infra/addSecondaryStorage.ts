import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { secondaryStorageResponse, toImageStore } from '../../responses/infra.js';

export default defineCommand({
  name: 'addSecondaryStorage',
  description: 'Adds NFS secondary storage to a zone (the older form of addImageStore).',
  roles: ['Admin'],
  async: false,
  params: {
    url: p.string({ required: true, length: 1024, doc: 'nfs://host/path or file:///directory' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'The zone' }),
  },
  response: objectOf(secondaryStorageResponse),
  async handler(ctx, q) {
    return toImageStore(await ctx.services.imageStores.create(ctx.caller, { url: q.url, zoneId: q.zoneid, provider: 'NFS' }));
  },
});
