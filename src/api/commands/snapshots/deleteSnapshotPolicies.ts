import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';
import { USER_ROLES } from './common.js';

export default defineCommand({
  name: 'deleteSnapshotPolicies',
  description: 'Deletes snapshot policies (the snapshots they took stay).',
  roles: [...USER_ROLES],
  async: false,
  params: {
    id: p.uuid({ entity: 'SnapshotPolicy', doc: 'The snapshot policy' }),
    ids: p.uuidList({ entity: 'SnapshotPolicy', doc: 'These snapshot policies' }),
  },
  response: success,
  async handler(ctx, params) {
    await ctx.services.snapshotPolicies.delete(ctx.caller, [...new Set([...(params.id !== undefined ? [params.id] : []), ...(params.ids ?? [])])]);
    return { success: true };
  },
});
