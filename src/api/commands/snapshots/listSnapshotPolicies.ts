import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { snapshotPolicyResponse, toSnapshotPolicy } from '../../responses/snapshots.js';
import { listPolicies } from '../../../services/snapshots/snapshot.queries.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';
import { USER_ROLES } from './common.js';

export default defineCommand({
  name: 'listSnapshotPolicies',
  description: 'Lists recurring snapshot policies the caller may see.',
  roles: [...USER_ROLES],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'SnapshotPolicy', doc: 'The snapshot policy' }),
    volumeid: p.uuid({ entity: 'Volume', doc: 'Policies of this volume' }),
    fordisplay: p.boolean({ roles: ['Admin'], doc: 'Only policies shown (true) or hidden (false) to end users (root admin)' }),
  },
  response: listOf(snapshotPolicyResponse),
  async handler(ctx, params) {
    // A volume's policies are the volume owner's business: listing by volume checks access to it.
    if (params.volumeid !== undefined) await ctx.services.snapshots.volumeFor(ctx.caller, params.volumeid);
    const scope = await scopeOf(ctx, params.volumeid !== undefined ? { ...params, listall: true } : params);
    return listResult(await listPolicies(ctx.services.snapshots.db, ctx.services.scoper, scope, params, pageOf(ctx, params)), toSnapshotPolicy);
  },
});
