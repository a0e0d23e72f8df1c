/**
 * Volume snapshots, their backups on secondary storage and recurring snapshot policies
 * (issue #6). Conventions as in core.ts. A deleted snapshot keeps its `snapshot_store_refs`
 * row (and the backup's data) while a later incremental backup of its chain still needs it.
 */
import type { Generated } from 'kysely';

export interface SnapshotsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  account_id: number;
  domain_id: number;
  zone_id: number;
  volume_id: number;
  /** 'MANUAL' | 'RECURRING' (listSnapshots `snapshottype`). */
  snapshot_type: string;
  /** 'HOURLY' | 'DAILY' | 'WEEKLY' | 'MONTHLY' for recurring snapshots, else null. */
  interval_type: string | null;
  policy_id: number | null;
  /** Written only by snapshotTransition() (src/orchestration/state/snapshot-state.ts). */
  state: string;
  /** Virtual size of the volume when taken (bytes). */
  size: number;
  /** Bytes stored on secondary storage for this snapshot alone (a delta for incremental ones). */
  physical_size: number;
  /** The snapshot this one's backup is a delta of; null for a full backup. */
  parent_id: number | null;
  /** Deltas between this snapshot and the full backup of its chain (0 = full). */
  chain_depth: number;
  /** The copy on primary storage while it exists (CreatedOnPrimary/BackingUp). */
  primary_path: string | null;
  /** Management server running the operation (startup fails its own interrupted ones). */
  msid: string | null;
  created: number;
  removed: number | null;
}

export interface SnapshotStoreRefsTable {
  id: Generated<number>;
  snapshot_id: number;
  /** The image store holding the backup. */
  store_id: number;
  zone_id: number;
  install_path: string;
  physical_size: number;
  /** The parent's backup this one is a delta of. */
  parent_snapshot_id: number | null;
  created: number;
  /** Set when the backup's data is deleted from secondary storage. */
  removed: number | null;
}

export interface SnapshotPoliciesTable {
  id: Generated<number>;
  uuid: string;
  volume_id: number;
  account_id: number;
  domain_id: number;
  /** 'HOURLY' | 'DAILY' | 'WEEKLY' | 'MONTHLY'; unique per volume. */
  interval_type: string;
  schedule: string;
  timezone: string;
  max_snaps: number;
  display: number;
  /** Epoch ms of the next run; the scheduler claims a run by moving it (conditional UPDATE). */
  next_run: number;
  created: number;
}

export interface SnapshotsTables {
  snapshots: SnapshotsTable;
  snapshot_store_refs: SnapshotStoreRefsTable;
  snapshot_policies: SnapshotPoliciesTable;
}
