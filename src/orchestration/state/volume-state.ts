/**
 * The volume state machine as one table (STYLE §6): CloudStack's Volume.State transitions
 * (api/.../storage/Volume.java) for the states Nimbo uses. `volumeTransition()` is the only
 * writer of `volumes.state` after a volume row is inserted (Allocated).
 */
import type { Kysely, Transaction } from 'kysely';
import { CloudError } from '../../api/errors.js';
import type { Database } from '../../db/schema/index.js';
import { stateUpdate } from './state-update.js';

const UPDATE = stateUpdate('volumes');

export const VOLUME_STATES = [
  'Allocated', 'Creating', 'Ready', 'Attaching', 'Migrating', 'Resizing', 'Snapshotting', 'RevertSnapshotting',
  'Destroy', 'Expunging', 'Expunged',
] as const;
export type VolumeState = (typeof VOLUME_STATES)[number];

export const VOLUME_EVENTS = [
  'CreateRequested', 'OperationRetry', 'OperationSucceeded', 'OperationFailed', 'AttachRequested', 'ResizeRequested',
  'MigrationRequested', 'SnapshotRequested', 'RevertSnapshotRequested', 'DestroyRequested', 'ExpungingRequested',
  'RecoverRequested', 'RecoverAllocated',
] as const;
export type VolumeEvent = (typeof VOLUME_EVENTS)[number];

type Table = { readonly [S in VolumeState]: { readonly [E in VolumeEvent]?: VolumeState } };

/** from-state → event → to-state. A missing pair is an illegal operation. */
export const VOLUME_TRANSITIONS: Table = {
  Allocated: { CreateRequested: 'Creating', DestroyRequested: 'Destroy', OperationFailed: 'Allocated', OperationSucceeded: 'Allocated' },
  Creating: { OperationRetry: 'Creating', OperationFailed: 'Allocated', OperationSucceeded: 'Ready', DestroyRequested: 'Destroy', CreateRequested: 'Creating' },
  Ready: {
    CreateRequested: 'Creating', ResizeRequested: 'Resizing', OperationSucceeded: 'Ready', OperationFailed: 'Ready', DestroyRequested: 'Destroy',
    SnapshotRequested: 'Snapshotting', RevertSnapshotRequested: 'RevertSnapshotting', MigrationRequested: 'Migrating', AttachRequested: 'Attaching',
  },
  Attaching: { OperationSucceeded: 'Ready', OperationFailed: 'Ready' },
  Resizing: { OperationSucceeded: 'Ready', OperationFailed: 'Ready' },
  Migrating: { OperationSucceeded: 'Ready', OperationFailed: 'Ready' },
  Snapshotting: { OperationSucceeded: 'Ready', OperationFailed: 'Ready' },
  RevertSnapshotting: { OperationSucceeded: 'Ready', OperationFailed: 'Ready' },
  // Nimbo's RecoverAllocated: the root disk of a VM that never started was never created, so
  // recovering that VM gives back an Allocated volume rather than a Ready one.
  Destroy: { ExpungingRequested: 'Expunging', RecoverRequested: 'Ready', RecoverAllocated: 'Allocated', OperationSucceeded: 'Destroy', OperationFailed: 'Destroy' },
  Expunging: { ExpungingRequested: 'Expunging', OperationSucceeded: 'Expunged', OperationFailed: 'Destroy' },
  Expunged: { ExpungingRequested: 'Expunged', OperationSucceeded: 'Expunged', OperationFailed: 'Expunged' },
};

export function nextVolumeState(from: string, event: VolumeEvent): VolumeState | undefined {
  return (VOLUME_TRANSITIONS as Record<string, Table[VolumeState] | undefined>)[from]?.[event];
}

const ACTIONS: Partial<Record<VolumeEvent, string>> = {
  CreateRequested: 'create', AttachRequested: 'attach', ResizeRequested: 'resize', MigrationRequested: 'migrate',
  SnapshotRequested: 'snapshot', DestroyRequested: 'delete', ExpungingRequested: 'expunge', RecoverRequested: 'recover',
};

export function illegalVolume(name: string, from: string, event: VolumeEvent): CloudError {
  const what = ACTIONS[event];
  return new CloudError('InvalidState', what
    ? `Unable to ${what} volume ${name}: it is in state ${from}`
    : `Volume state transition ${from} -> ${event} is not allowed`);
}

export interface VolumeStateRef {
  id: number;
  name: string;
  state: string;
  update_count: number;
}

/** Columns a transition may change together with the state. */
export interface VolumeTransitionChanges {
  pool_id?: number | null;
  last_pool_id?: number | null;
  vm_id?: number | null;
  device_id?: number | null;
  path?: string | null;
  size?: number;
  disk_offering_id?: number | null;
  attached?: number | null;
  removed?: number | null;
}

export const volumeRef = (v: { id: number; name: string; state: string; update_count: number | string | bigint }): VolumeStateRef =>
  ({ id: v.id, name: v.name, state: v.state, update_count: Number(v.update_count) });

/**
 * Moves the volume along `event` with an optimistic lock on (state, update_count): a
 * concurrent transition makes this one fail with InvalidState and change nothing.
 */
export async function volumeTransition(
  trx: Transaction<Database> | Kysely<Database>,
  v: VolumeStateRef,
  event: VolumeEvent,
  changes: VolumeTransitionChanges = {},
  now = Date.now(),
): Promise<VolumeStateRef & { from: string }> {
  const to = nextVolumeState(v.state, event);
  if (!to) throw illegalVolume(v.name, v.state, event);
  if (!(await UPDATE(trx, v, to, changes, now))) {
    throw new CloudError('InvalidState', `Volume ${v.name} changed state concurrently (was ${v.state}); try again`);
  }
  return { id: v.id, name: v.name, state: to, update_count: v.update_count + 1, from: v.state };
}
