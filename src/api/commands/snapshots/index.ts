/** Volume snapshots and recurring snapshot policies (issue #6). */
import type { AnyCommand } from '../../define-command.js';
import createSnapshot from './createSnapshot.js';
import listSnapshots from './listSnapshots.js';
import deleteSnapshot from './deleteSnapshot.js';
import createSnapshotPolicy from './createSnapshotPolicy.js';
import updateSnapshotPolicy from './updateSnapshotPolicy.js';
import listSnapshotPolicies from './listSnapshotPolicies.js';
import deleteSnapshotPolicies from './deleteSnapshotPolicies.js';

export const SNAPSHOTS_COMMANDS: AnyCommand[] = [
  createSnapshot, listSnapshots, deleteSnapshot, createSnapshotPolicy, updateSnapshotPolicy, listSnapshotPolicies, deleteSnapshotPolicies,
];
