/**
 * Is a storage directory usable? Shared by the agent (primary pools, checked before each
 * heartbeat) and the management server (file:// secondary storage, checked before each use and
 * by the alert monitor): gone, not a directory, not readable and writable, or not answering
 * within a few seconds (a hung NFS mount) means unavailable.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** A check slower than this counts as unreachable: a heartbeat must never wait on a dead mount for long. */
const CHECK_TIMEOUT_MS = 5000;

/** Why the directory cannot serve as storage (primary or secondary), or null when it can. */
export async function storageDirProblem(path: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((r) => (timer = setTimeout(() => r(`${path} did not answer within ${timeoutMs} ms`), timeoutMs)));
  const check = (async () => {
    try {
      const st = await stat(path);
      if (!st.isDirectory()) return `${path} is not a directory`;
      await access(path, constants.R_OK | constants.W_OK | constants.X_OK);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? `${path} does not exist` : code === 'EACCES' ? `${path} is not readable and writable` : `${path}: ${(e as Error).message}`;
    }
  })();
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
}
