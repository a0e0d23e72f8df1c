/**
 * Volumes, snapshots and backups as qcow2 files. A primary pool is a directory (local or a
 * shared mount); each volume is `<pool>/<uuid>.qcow2`. Templates are copied once per pool
 * (`<pool>/template-<hash>.qcow2`) and root disks are thin children of that copy. Snapshots
 * are internal qcow2 snapshots of the volume (`<path>::snapshot=<uuid>`); a backup to
 * secondary storage is a qcow2 file holding only the clusters that changed since its parent
 * backup, with the parent as backing file, so a chain restores by flattening its last link.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { VolumeCreated } from '../driver.js';
import * as img from './qemu-img.js';
import { run } from './run.js';

const SNAP = '::snapshot=';

export function parseSnapshotPath(p: string): { volume: string; name: string } | null {
  const i = p.lastIndexOf(SNAP);
  return i < 0 ? null : { volume: p.slice(0, i), name: p.slice(i + SNAP.length) };
}
export const snapshotPath = (volume: string, name: string) => `${volume}${SNAP}${name}`;

/** The local directory of a secondary store: file:// URLs and plain paths; other schemes must be mounted under `mountRoot`. */
export function storeDir(storeUrl: string, mountRoot: string): string {
  if (storeUrl.startsWith('/')) return storeUrl;
  const u = new URL(storeUrl);
  if (u.protocol === 'file:') return decodeURIComponent(u.pathname);
  const dir = join(mountRoot, u.hostname, decodeURIComponent(u.pathname));
  if (!existsSync(dir)) throw new Error(`Secondary storage ${storeUrl} is not mounted at ${dir}`);
  return dir;
}

export class QemuStorage {
  private pools: Set<string> | undefined;

  constructor(private readonly stateDir: string) {}

  private poolsFile(): string {
    return join(this.stateDir, 'pools.json');
  }

  /** The pools this host has written to (volumeStats looks there); remembered across restarts. */
  async knownPools(): Promise<string[]> {
    if (!this.pools) {
      try {
        this.pools = new Set(JSON.parse(await readFile(this.poolsFile(), 'utf8')) as string[]);
      } catch {
        this.pools = new Set();
      }
    }
    return [...this.pools];
  }

  async usePool(pool: string): Promise<string> {
    const p = pool.replace(/\/+$/, '');
    await this.knownPools();
    await mkdir(p, { recursive: true });
    if (!this.pools!.has(p)) {
      this.pools!.add(p);
      await mkdir(this.stateDir, { recursive: true });
      await writeFile(this.poolsFile(), JSON.stringify([...this.pools!]));
    }
    return p;
  }

  volumePath(pool: string, uuid: string): string {
    return join(pool, `${uuid}.qcow2`);
  }

  /** The pool's copy of a template, made once (atomically: two hosts of a shared pool may race). */
  async templateCopy(pool: string, templatePath: string): Promise<{ path: string; format: string }> {
    const src = await img.info(templatePath);
    const dest = join(pool, `template-${createHash('sha1').update(templatePath).digest('hex').slice(0, 16)}.${src.format === 'qcow2' ? 'qcow2' : 'img'}`);
    if (!existsSync(dest)) {
      const tmp = `${dest}.${randomUUID()}.tmp`;
      try {
        await img.convert(templatePath, tmp, src.format === 'qcow2' ? 'qcow2' : 'raw');
        await rename(tmp, dest);
      } finally {
        await rm(tmp, { force: true });
      }
    }
    return { path: dest, format: src.format === 'qcow2' ? 'qcow2' : 'raw' };
  }

  async create(p: { volumeUuid: string; poolPath: string; size: number; templatePath?: string | undefined }): Promise<VolumeCreated> {
    if (!(p.size >= 0)) throw new Error(`Invalid volume size ${p.size}`);
    const pool = await this.usePool(p.poolPath);
    const path = this.volumePath(pool, p.volumeUuid);
    if (p.templatePath) {
      const t = await this.templateCopy(pool, p.templatePath);
      const tSize = (await img.info(t.path)).virtualSize;
      await img.create(path, Math.max(p.size, tSize), t);
    } else await img.create(path, p.size);
    return { path, size: (await img.info(path)).virtualSize };
  }

  async delete(path: string | null): Promise<void> {
    if (path !== null) await rm(path, { force: true });
  }

  async requireVolume(path: string, uuid: string): Promise<void> {
    if (!existsSync(path)) throw new Error(`Volume ${uuid} does not exist at ${path}`);
  }

  async stats(uuids?: string[]): Promise<Array<{ uuid: string; path: string; size: number }>> {
    const out = [];
    for (const pool of await this.knownPools()) {
      let names: string[];
      try {
        names = await readdir(pool);
      } catch {
        continue;
      }
      for (const n of names) {
        if (!n.endsWith('.qcow2') || n.startsWith('template-')) continue;
        const uuid = n.slice(0, -'.qcow2'.length);
        if (uuids && !uuids.includes(uuid)) continue;
        const path = join(pool, n);
        try {
          out.push({ uuid, path, size: (await img.info(path)).virtualSize });
        } catch {
          /* deleted meanwhile */
        }
      }
    }
    return out;
  }

  async copyOut(path: string, destPath: string): Promise<{ path: string; size: number }> {
    await mkdir(dirname(destPath), { recursive: true });
    await img.convert(path, destPath);
    return { path: destPath, size: (await stat(destPath)).size };
  }

  /** An offline snapshot of a volume no guest has open (a running guest's is taken over QMP). */
  async snapshotOffline(path: string, name: string): Promise<void> {
    await run('qemu-img', ['snapshot', '-c', name, path]);
  }

  async deleteSnapshotOffline(path: string, name: string): Promise<void> {
    if (!existsSync(path)) return;
    const list = await run('qemu-img', ['snapshot', '-U', '-l', path]);
    if (!list.split('\n').some((l) => l.split(/\s+/)[1] === name)) return;
    await run('qemu-img', ['snapshot', '-d', name, path]);
  }

  /**
   * Backup of an internal snapshot: whole, or only what differs from the parent backup. The
   * delta is made by flattening the snapshot to a temporary image, putting an empty overlay on
   * it and rebasing that overlay (safe mode) onto the parent: qemu-img then copies into the
   * overlay exactly the clusters whose content differs between the snapshot and the parent.
   */
  async backup(p: { snapshotUuid: string; primaryPath: string; dir: string; parentPath: string | null }): Promise<{ path: string; physicalSize: number }> {
    const snap = parseSnapshotPath(p.primaryPath);
    if (!snap) throw new Error(`${p.primaryPath} is not a snapshot on primary storage`);
    if (p.parentPath !== null && !existsSync(p.parentPath)) throw new Error(`Parent backup ${p.parentPath} no longer exists`);
    await mkdir(p.dir, { recursive: true });
    const dest = join(p.dir, `${p.snapshotUuid}.qcow2`);
    const full = p.parentPath === null ? `${dest}.tmp` : join(p.dir, `.${p.snapshotUuid}.full.tmp`);
    try {
      await run('qemu-img', ['convert', '-q', '-U', '-O', 'qcow2', '-l', `snapshot.name=${snap.name}`, snap.volume, full], { timeoutMs: 3_600_000 });
      if (p.parentPath === null) await rename(full, dest);
      else {
        const overlay = `${dest}.tmp`;
        await img.create(overlay, 0, { path: basename(full), format: 'qcow2' });
        // The parent sits in the same directory: a relative backing name survives a remount elsewhere.
        const parentName = dirname(p.parentPath) === p.dir ? basename(p.parentPath) : p.parentPath;
        await run('qemu-img', ['rebase', '-q', '-f', 'qcow2', '-b', parentName, '-F', 'qcow2', overlay], { timeoutMs: 3_600_000 });
        await rename(overlay, dest);
      }
    } finally {
      await rm(`${dest}.tmp`, { force: true });
      if (p.parentPath !== null) await rm(full, { force: true });
    }
    return { path: dest, physicalSize: (await stat(dest)).blocks * 512 };
  }

  /** Checks every link of a backup chain (full first) is there and points at the previous one. */
  async checkChain(chain: string[]): Promise<string> {
    if (chain.length === 0) throw new Error('Empty snapshot chain');
    for (const [i, link] of chain.entries()) {
      if (!existsSync(link)) throw new Error(`Backup ${link} is missing from secondary storage; the chain is broken`);
      const back = (await img.info(link)).backingFile;
      const want = i === 0 ? null : chain[i - 1]!;
      const got = back === null ? null : back.startsWith('/') ? back : join(dirname(link), back);
      if (got !== want) throw new Error(`Backup ${link} is a delta of ${got ?? 'nothing'}, not of ${want ?? 'nothing'}`);
    }
    return chain[chain.length - 1]!;
  }

  async restore(p: { volumeUuid: string; poolPath: string; size: number; chain: string[] }): Promise<VolumeCreated> {
    const last = await this.checkChain(p.chain);
    const pool = await this.usePool(p.poolPath);
    const path = this.volumePath(pool, p.volumeUuid);
    await img.convert(last, path);
    if ((await img.info(path)).virtualSize < p.size) await img.resize(path, p.size);
    return { path, size: (await img.info(path)).virtualSize };
  }

  async template(p: { templateUuid: string; dir: string; chain?: string[] | undefined; volumePath?: string | undefined }): Promise<{ path: string; size: number; physicalSize: number }> {
    if (!p.chain?.length && !p.volumePath) throw new Error('A template needs a snapshot chain or a volume');
    const src = p.chain?.length ? await this.checkChain(p.chain) : p.volumePath!;
    await mkdir(p.dir, { recursive: true });
    const path = join(p.dir, `${p.templateUuid}.qcow2`);
    await img.convert(src, path);
    return { path, size: (await img.info(path)).virtualSize, physicalSize: (await stat(path)).blocks * 512 };
  }
}
