import { defineCommand, objectOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { snapshotResponse } from '../../responses/snapshots.js';
import { USER_ROLES, snapshotWire } from './common.js';

export default defineCommand({
  name: 'createSnapshot',
  description: 'Takes a snapshot of a volume (root or data disk): on primary storage, backed up to the zone\'s secondary storage (incrementally), then removed from primary.',
  roles: [...USER_ROLES],
  async: 'create',
  event: 'SNAPSHOT.CREATE',
  instanceType: 'Snapshot',
  params: {
    volumeid: p.uuid({ entity: 'Volume', required: true, doc: 'The volume to snapshot' }),
    policyid: p.uuid({ entity: 'SnapshotPolicy', doc: 'Take the snapshot as one of this policy of the volume (recurring); manual when absent' }),
    name: p.string({ doc: 'Name of the snapshot; <vm>_<volume>_<yyyyMMddHHmmss> by default' }),
  },
  response: objectOf(snapshotResponse),
  async create(ctx, params) {
    let policy: { id: number; intervalType: string } | undefined;
    if (params.policyid !== undefined) {
      const pol = await ctx.services.snapshotPolicies.access(ctx.caller, params.policyid);
      if (pol.volume_id !== params.volumeid) throw paramError('The snapshot policy is not a policy of this volume');
      policy = { id: pol.id, intervalType: pol.interval_type };
    }
    const s = await ctx.services.snapshots.allocate(ctx.caller, { volumeId: params.volumeid, name: params.name, policy });
    return { uuid: s.uuid, ref: { snapshotId: s.id } };
  },
  async handler(ctx, _params, created) {
    const id = Number(created!.ref!['snapshotId']);
    await ctx.services.snapshots.take(ctx.caller, id);
    return snapshotWire(ctx, id);
  },
});
