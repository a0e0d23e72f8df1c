import { defineCommand, objectOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { snapshotPolicyResponse } from '../../responses/snapshots.js';
import { USER_ROLES, policyWire } from './common.js';

export default defineCommand({
  name: 'updateSnapshotPolicy',
  description: 'Updates a snapshot policy (whether it is shown to the end user; change the schedule with createSnapshotPolicy for the same interval).',
  roles: [...USER_ROLES],
  async: true,
  event: 'SNAPSHOTPOLICY.UPDATE',
  instanceType: 'SnapshotPolicy',
  params: {
    id: p.uuid({ entity: 'SnapshotPolicy', doc: 'The snapshot policy' }),
    fordisplay: p.boolean({ roles: ['Admin'], doc: 'Whether the policy is shown to the end user (root admin)' }),
  },
  response: objectOf(snapshotPolicyResponse),
  async prepare(ctx, params) {
    if (params.id === undefined) throw paramError('Unable to find snapshot policy: id is required');
    const pol = await ctx.services.snapshotPolicies.access(ctx.caller, params.id);
    return { instanceUuid: pol.uuid };
  },
  async handler(ctx, params) {
    await ctx.services.snapshotPolicies.update(ctx.caller, params.id!, params);
    return policyWire(ctx, params.id!);
  },
});
