/** Shared pieces of the snapshot commands. */
import type { CommandContext } from '../../define-command.js';
import type { Wire } from '../../responses/define.js';
import { toSnapshot, toSnapshotPolicy } from '../../responses/snapshots.js';
import { policyQuery, snapshotQuery } from '../../../services/snapshots/snapshot.queries.js';

export const USER_ROLES = ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'] as const;

export async function snapshotWire(ctx: CommandContext, id: number): Promise<Wire> {
  return toSnapshot(await snapshotQuery(ctx.services.snapshots.db).where('s.id', '=', id).executeTakeFirstOrThrow());
}

export async function policyWire(ctx: CommandContext, id: number): Promise<Wire> {
  return toSnapshotPolicy(await policyQuery(ctx.services.snapshots.db).where('p.id', '=', id).executeTakeFirstOrThrow());
}
