import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteStoragePool',
  description: 'Deletes a primary storage pool that holds no volumes (with forced, destroyed volumes do not count).',
  roles: ['Admin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'StoragePool', required: true, doc: 'The pool' }),
    forced: p.boolean({ doc: 'Ignore volumes that are destroyed but not yet expunged' }),
  },
  response: success,
  async handler(ctx, q) {
    await ctx.services.storagePools.delete(ctx.caller, q.id, q.forced === true);
    return { success: true };
  },
});
