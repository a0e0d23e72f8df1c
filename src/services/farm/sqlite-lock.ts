/**
 * SQLite serves one management server: a second `nimbo server` on the same file would
 * race the first's in-memory state (agent sessions, job runners) without any of the farm's
 * coordination. The first server takes `<file>.server.lock` (created exclusively, holding
 * its pid); another refuses to start while that pid lives. A lock left by a killed server
 * (its pid gone) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const heldHere = new Set<string>();

export function lockSqliteFile(dbFile: string): () => void {
  const lock = `${dbFile}.server.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      heldHere.add(lock);
      return () => {
        heldHere.delete(lock);
        try {
          unlinkSync(lock);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
    }
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (heldHere.has(lock) || (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))) {
      throw new Error(`Another nimbo server (pid ${heldHere.has(lock) ? process.pid : pid}) is already using the SQLite database ${dbFile}. SQLite serves a single management server; run a farm on PostgreSQL or MariaDB/MySQL (NIMBO_DB_URL). If no server runs, remove ${lock}.`);
    }
    try {
      unlinkSync(lock);
    } catch {
      // Another starter removed the stale lock first; retry the exclusive create.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
