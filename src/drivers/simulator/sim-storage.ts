/**
 * The simulator's storage: disks, snapshots on primary storage and their backups on
 * secondary storage, shared by every simulated host of the agent process — as real primary
 * and secondary storage are shared by a cluster's hosts, a snapshot may be taken through
 * one host and restored through another.
 *
 * Sizes model qcow2 incremental backups: each disk counts the bytes its guest has written
 * (`written`, monotonic); a snapshot records that mark; a full backup stores every written
 * byte (up to the virtual size), an incremental one only what was written since its parent's
 * mark. Data is in memory: after an agent restart, unknown parents count as empty (the next
 * backup is as large as a full one) rather than failing, but a backup that was *deleted*
 * is remembered, so restoring a chain whose link was deleted fails as it would on disk.
 */

export const MiB = 1024 * 1024;

/** A disk on primary storage; `written` = bytes its guest wrote (absent = none yet). */
export interface Disk {
  uuid: string;
  size: number;
  written?: number;
}

interface PrimarySnapshot {
  diskPath: string;
  size: number;
  mark: number;
}

interface Backup {
  size: number;
  mark: number;
  physicalSize: number;
  parentPath: string | null;
}

/** Default guest writes between two snapshots when no `written:` mock says otherwise: 1% of the disk, at least 1 MiB. */
export function defaultWrites(size: number): number {
  return Math.max(MiB, Math.floor(size / 100));
}

export class SimStorage {
  /** Primary storage, path → disk; every host of the agent process sees the same disks. */
  readonly disks = new Map<string, Disk>();
  private readonly snaps = new Map<string, PrimarySnapshot>();
  private readonly backups = new Map<string, Backup>();
  private readonly deleted = new Set<string>();

  /** Bytes written to the disk (0 for a disk this process does not know). */
  written(path: string): number {
    return this.disks.get(path)?.written ?? 0;
  }

  /** Records `writes` more guest bytes on the disk (null = the default), then a snapshot of it at `snapPath`. */
  takeSnapshot(diskPath: string, snapPath: string, writes: number | null): void {
    const known = this.disks.get(diskPath);
    const d = known ?? { uuid: '', size: Number.MAX_SAFE_INTEGER };
    d.written = Math.min(d.size, (d.written ?? 0) + (writes ?? (known ? defaultWrites(d.size) : MiB)));
    this.disks.set(diskPath, d);
    this.snaps.set(snapPath, { diskPath, size: d.size, mark: d.written });
  }

  /** Stores the primary snapshot as a backup at `backupPath`; returns its physical size. */
  backup(primaryPath: string, backupPath: string, parentPath: string | null): number {
    const s = this.snaps.get(primaryPath);
    if (!s) throw new Error(`Snapshot ${primaryPath} is not on primary storage`);
    if (parentPath !== null && this.deleted.has(parentPath)) throw new Error(`Parent backup ${parentPath} no longer exists`);
    const parentMark = parentPath === null ? 0 : this.backups.get(parentPath)?.mark ?? 0;
    const physicalSize = Math.max(0, Math.min(s.size, s.mark - parentMark));
    this.backups.set(backupPath, { size: s.size, mark: s.mark, physicalSize, parentPath });
    this.deleted.delete(backupPath);
    return physicalSize;
  }

  delete(path: string): void {
    this.snaps.delete(path);
    if (this.backups.delete(path)) this.deleted.add(path);
  }

  /** Checks the chain (full first) is whole; returns the bytes the restored disk holds. */
  restore(chain: string[]): number {
    if (chain.length === 0) throw new Error('Empty snapshot chain');
    let written = 0;
    for (const [i, path] of chain.entries()) {
      if (this.deleted.has(path)) throw new Error(`Backup ${path} is missing from secondary storage; the chain is broken`);
      const b = this.backups.get(path);
      if (!b) continue;
      const parent = i === 0 ? null : chain[i - 1]!;
      if (b.parentPath !== parent) throw new Error(`Backup ${path} is a delta of ${b.parentPath ?? 'nothing'}, not of ${parent ?? 'nothing'}`);
      written = Math.min(b.size, b.mark);
    }
    return written;
  }
}

/** One per agent process (the storage every simulated host of it sees). */
export const SIM_STORAGE = new SimStorage();
