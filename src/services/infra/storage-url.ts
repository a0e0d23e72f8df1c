/**
 * Storage URLs as CloudStack accepts them: `nfs://host/export`, `file:///dir` (a local
 * directory, created if missing), `iscsi://host/iqn/lun` and a few recorded-only schemes.
 */
import { mkdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { isAbsolute, normalize } from 'node:path';
import { paramError } from '../../api/errors.js';

export interface ParsedStorageUrl {
  scheme: string;
  /** CloudStack's StoragePoolType for primary storage. */
  poolType: string;
  host: string;
  path: string;
  /** A directory on this machine that backs the store. */
  local: boolean;
}

const POOL_TYPES: Record<string, string> = {
  nfs: 'NetworkFilesystem',
  file: 'Filesystem',
  iscsi: 'Iscsi',
  sharedmountpoint: 'SharedMountPoint',
  rbd: 'RBD',
  clvm: 'CLVM',
  gluster: 'Gluster',
  presetup: 'PreSetup',
};

export function parseStorageUrl(url: string, allowed: readonly string[] = Object.keys(POOL_TYPES)): ParsedStorageUrl {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)(\/.*)?$/.exec(url.trim());
  if (!m) throw paramError(`${url} is not a valid storage URL; use e.g. nfs://host/path or file:///path`);
  const scheme = m[1]!.toLowerCase();
  if (!allowed.includes(scheme)) throw paramError(`The URL scheme ${scheme} is not supported; use one of ${allowed.join(', ')}`);
  const host = m[2]!;
  let path: string;
  try {
    path = decodeURIComponent(m[3] ?? '');
  } catch {
    throw paramError(`${url} is not a valid storage URL`);
  }
  if (scheme === 'nfs' || scheme === 'iscsi') {
    if (!host) throw paramError(`The storage URL ${url} must name a host`);
    if (!path || path === '/') throw paramError(`The storage URL ${url} must name a path`);
  }
  const local = scheme === 'file' || scheme === 'sharedmountpoint';
  if (local) {
    if (host && host !== 'localhost') throw paramError(`A ${scheme}:// URL must name a local directory (file:///path)`);
    if (!isAbsolute(path) || path.split('/').includes('..')) throw paramError(`The storage URL ${url} must name an absolute directory`);
    path = normalize(path);
  }
  return { scheme, poolType: POOL_TYPES[scheme] ?? scheme, host: local ? 'localhost' : host, path, local };
}

/** Creates the directory of a local store (and its parents). */
export function ensureDirectory(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o750 });
  } catch (err) {
    throw paramError(`Unable to create the storage directory ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** Size and usage of the file system holding `path`. */
export async function fsUsage(path: string): Promise<{ total: number; used: number }> {
  const s = await statfs(path);
  return { total: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
}
