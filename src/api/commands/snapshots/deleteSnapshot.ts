import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';
import { USER_ROLES } from './common.js';

export default defineCommand({
  name: 'deleteSnapshot',
  description: 'Deletes a snapshot. Its backup stays on secondary storage while a later incremental snapshot still needs it.',
  roles: [...USER_ROLES],
  async: true,
  event: 'SNAPSHOT.DELETE',
  instanceType: 'Snapshot',
  params: {
    id: p.uuid({ entity: 'Snapshot', required: true, doc: 'The snapshot' }),
  },
  response: success,
  async prepare(ctx, params) {
    const s = await ctx.services.snapshots.access(ctx.caller, params.id);
    return { instanceUuid: s.uuid };
  },
  async handler(ctx, params) {
    await ctx.services.snapshots.delete(ctx.caller, params.id);
    return { success: true };
  },
});
