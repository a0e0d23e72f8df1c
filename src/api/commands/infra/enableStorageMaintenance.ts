import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { storagePoolResponse, toStoragePool } from '../../responses/infra.js';

export default defineCommand({
  name: 'enableStorageMaintenance',
  description: 'Puts a primary storage pool into maintenance (no new volumes are placed on it).',
  roles: ['Admin'],
  async: true,
  event: 'MAINT.PREPARE.PS',
  responseName: 'prepareprimarystorageformaintenanceresponse',
  instanceType: 'StoragePool',
  resumable: true,
  params: { id: p.uuid({ entity: 'StoragePool', required: true, doc: 'The pool' }) },
  response: objectOf(storagePoolResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.storagePools.get(q.id)).uuid };
  },
  async handler(ctx, q) {
    const s = await ctx.services.storagePools.setMaintenance(q.id, true);
    return toStoragePool(s, (await ctx.services.config.get('storage.overprovisioning.factor')) ?? '1');
  },
});
