/**
 * Snapshot states as CloudStack's table (Snapshot.State, SnapshotStateMachineManagerImpl).
 * `snapshotTransition()` is the only writer of `snapshots.state`: an optimistic
 * `UPDATE … WHERE state = from`, so two servers can never both move the same snapshot.
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import { CloudError } from '../../api/errors.js';
import type { Database } from '../../db/schema/index.js';
import type { SnapshotsTable } from '../../db/schema/snapshots.js';

export const SNAPSHOT_STATES = ['Allocated', 'Creating', 'CreatedOnPrimary', 'BackingUp', 'BackedUp', 'Copying', 'Destroying', 'Destroyed', 'Hidden', 'Error'] as const;
export type SnapshotState = (typeof SNAPSHOT_STATES)[number];

export const SNAPSHOT_EVENTS = ['CreateRequested', 'OperationSucceeded', 'OperationFailed', 'OperationNotPerformed', 'BackupToSecondary', 'DestroyRequested', 'CopyingRequested'] as const;
export type SnapshotEvent = (typeof SNAPSHOT_EVENTS)[number];

type Table = { readonly [S in SnapshotState]: { readonly [E in SnapshotEvent]?: SnapshotState } };

/** from → event → to; a missing pair is illegal. */
export const SNAPSHOT_TRANSITIONS: Table = {
  Allocated: { CreateRequested: 'Creating', OperationFailed: 'Error' },
  Creating: { OperationSucceeded: 'CreatedOnPrimary', OperationNotPerformed: 'BackedUp', OperationFailed: 'Error' },
  CreatedOnPrimary: { BackupToSecondary: 'BackingUp', OperationNotPerformed: 'BackedUp', OperationFailed: 'Error' },
  BackingUp: { OperationSucceeded: 'BackedUp', OperationFailed: 'Error', OperationNotPerformed: 'BackedUp', BackupToSecondary: 'BackingUp' },
  BackedUp: { DestroyRequested: 'Destroying', CopyingRequested: 'Copying', BackupToSecondary: 'BackingUp' },
  Copying: { OperationSucceeded: 'BackedUp', OperationFailed: 'BackedUp' },
  Destroying: { OperationSucceeded: 'Destroyed', OperationFailed: 'BackedUp', DestroyRequested: 'Destroying' },
  Destroyed: {},
  Hidden: {},
  // Nimbo: a failed snapshot may be deleted (CloudStack removes Error snapshots the same way).
  Error: { DestroyRequested: 'Destroying' },
};

export function nextSnapshotState(from: string, e: SnapshotEvent): SnapshotState | undefined {
  return (SNAPSHOT_TRANSITIONS as Record<string, Table[SnapshotState] | undefined>)[from]?.[e];
}

/** Moves one snapshot from `from` by `e`, with extra column changes; throws 530/InvalidState when it is not in `from` any more. */
export async function snapshotTransition(
  k: Kysely<Database> | Transaction<Database>, id: number, from: string, e: SnapshotEvent, extra: Updateable<SnapshotsTable> = {},
): Promise<SnapshotState> {
  const to = nextSnapshotState(from, e);
  if (!to) throw new CloudError('InvalidState', `Snapshot cannot go from ${from} on ${e}`);
  const r = await k.updateTable('snapshots').set({ ...extra, state: to }).where('id', '=', id).where('state', '=', from).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new CloudError('InvalidState', `Snapshot ${id} is no longer ${from}`);
  return to;
}
