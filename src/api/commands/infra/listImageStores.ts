import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { imageStoreResponse, toImageStore } from '../../responses/infra.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listImageStores',
  description: 'Lists secondary storage (image stores).',
  roles: ['Admin'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'ImageStore', doc: 'Only this store' }),
    name: p.string({ doc: 'Only stores with this name' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only stores of this zone' }),
    protocol: p.string({ doc: 'Only stores of this protocol (nfs, file)' }),
    provider: p.string({ doc: 'Only stores of this provider' }),
    readonly: p.boolean({ doc: 'Only read-only (or writable) stores' }),
  },
  response: listOf(imageStoreResponse),
  async handler(ctx, q) {
    const r = await ctx.services.imageStores.list({ id: q.id, name: q.name, zoneId: q.zoneid, protocol: q.protocol, provider: q.provider, readonly: q.readonly, keyword: q.keyword }, pageOf(ctx, q));
    return { items: r.rows.map(toImageStore), count: r.count };
  },
});
