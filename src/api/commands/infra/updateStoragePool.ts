import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { storagePoolResponse, toStoragePool } from '../../responses/infra.js';

export default defineCommand({
  name: 'updateStoragePool',
  description: 'Updates a primary storage pool: name, tags, capacity, enabled/disabled.',
  roles: ['Admin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'StoragePool', required: true, doc: 'The pool' }),
    name: p.string({ doc: 'New name' }),
    tags: p.stringList({ doc: 'Storage tags (replaces the current ones; empty clears them)' }),
    capacitybytes: p.long({ doc: 'New capacity in bytes' }),
    capacityiops: p.long({ doc: 'New IOPS capacity' }),
    enabled: p.boolean({ doc: 'false disables allocation on the pool, true enables it again' }),
  },
  response: objectOf(storagePoolResponse),
  async handler(ctx, q) {
    // An empty `tags=` clears the tags (CloudStack); the parser drops empty values, so look at the raw request.
    const tags = q.tags ?? (ctx.raw['tags'] !== undefined ? [] : undefined);
    const s = await ctx.services.storagePools.update(ctx.caller, q.id, { name: q.name, tags, capacityBytes: q.capacitybytes, capacityIops: q.capacityiops, enabled: q.enabled });
    return toStoragePool(s, await ctx.services.config.get('storage.overprovisioning.factor') ?? '1');
  },
});
