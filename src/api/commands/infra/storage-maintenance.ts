/** enableStorageMaintenance and cancelStorageMaintenance differ only in direction, names and event (services.poolMaintenance). */
import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { storagePoolResponse, toStoragePool } from '../../responses/infra.js';

export function maintenanceCommand(o: { name: string; description: string; event: string; responseName: string; on: boolean }) {
  return defineCommand({
    name: o.name,
    description: o.description,
    roles: ['Admin'],
    async: true,
    event: o.event,
    responseName: o.responseName,
    instanceType: 'StoragePool',
    resumable: true,
    params: { id: p.uuid({ entity: 'StoragePool', required: true, doc: 'The pool' }) },
    response: objectOf(storagePoolResponse),
    async prepare(ctx, q) {
      return { instanceUuid: (await ctx.services.storagePools.get(q.id)).uuid };
    },
    async handler(ctx, q) {
      if (o.on) await ctx.services.poolMaintenance.enable(ctx.caller, q.id);
      else await ctx.services.poolMaintenance.cancel(ctx.caller, q.id);
      const s = await ctx.services.storagePools.get(q.id);
      return toStoragePool(s, (await ctx.services.config.get('storage.overprovisioning.factor')) ?? '1');
    },
  });
}
