import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { imageStoreResponse, toImageStore } from '../../responses/infra.js';

export default defineCommand({
  name: 'addImageStore',
  description: 'Adds secondary storage (provider NFS) to a zone: nfs://host/path, or file:///dir used as a local store.',
  roles: ['Admin'],
  async: false,
  params: {
    provider: p.string({ required: true, doc: 'Image store provider: NFS' }),
    name: p.string({ doc: 'Name of the store (default: the URL)' }),
    url: p.string({ length: 1024, doc: 'nfs://host/path or file:///directory' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'The zone' }),
    details: p.map({ doc: 'Extra details (ignored)' }),
  },
  response: objectOf(imageStoreResponse),
  async handler(ctx, q) {
    return toImageStore(await ctx.services.imageStores.create(ctx.caller, { name: q.name, url: q.url, zoneId: q.zoneid, provider: q.provider }));
  },
});
