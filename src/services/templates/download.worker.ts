/**
 * The download worker (area Lifecycle): picks store refs that are NOT_DOWNLOADED, fetches
 * each into its zone's secondary storage directory (or copies another zone's file), checks
 * format and size, and records the outcome with TEMPLATE.DOWNLOAD.* events. It also puts the
 * built-in template into every image store as soon as one appears. In a farm it runs on one
 * server, the holder of the `template-downloads` scheduler lease: two servers scanning would
 * both add the built-in template, and a server starting would restart the downloads another
 * one has in progress. Whoever takes the lease (a single server: at its first scan) restarts
 * the refs left DOWNLOAD_IN_PROGRESS by the previous holder, which stopped or died.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../db/dialect.js';
import { insertId } from '../../db/dialect.js';
import type { Services } from '../index.js';
import { SYSTEM_ACCOUNT_ID, ROOT_DOMAIN_ID, SYSTEM_USER_ID } from '../caller.js';
import { describeImage, fetchImage } from './fetch-image.js';
import { formatMatches, makeQcow2 } from './image-format.js';
import { installTinyLinux, tinyLinuxParts, TINY_LINUX_SIZE } from '../../drivers/qemu/tiny-linux.js';

export const BUILTIN_NAME = 'Nimbo Tiny Linux (default)';
const GB = 1024 ** 3;

export class DownloadWorker {
  private readonly active = new Map<number, AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  /** Whether this server held the lease at its last scan (a new holder restarts the previous one's downloads). */
  private holding = false;

  constructor(private readonly db: Db, private readonly services: Services, private readonly logger: Logger, private readonly pollMs = 1000) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const a of this.active.values()) a.abort();
  }

  kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.scan().catch((e) => this.logger.error({ err: e }, 'template download scan failed')).finally(() => { this.running = false; });
  }

  private async scan(): Promise<void> {
    const holds = await this.services.leases.holds('template-downloads');
    const gained = holds && !this.holding;
    this.holding = holds;
    if (!holds) return;
    if (gained) {
      let q = this.db.kysely.updateTable('template_store_refs').set({ download_state: 'NOT_DOWNLOADED', download_pct: 0 })
        .where('download_state', '=', 'DOWNLOAD_IN_PROGRESS').where('removed', 'is', null);
      if (this.active.size) q = q.where('id', 'not in', [...this.active.keys()]);
      await q.execute();
    }
    await this.ensureBuiltin();
    const refs = await this.db.kysely.selectFrom('template_store_refs').select('id').where('download_state', '=', 'NOT_DOWNLOADED').where('removed', 'is', null).execute();
    for (const r of refs) if (!this.active.has(r.id)) {
      const ac = new AbortController();
      this.active.set(r.id, ac);
      void this.download(r.id, ac.signal).catch((e) => this.logger.error({ err: e }, 'template download failed')).finally(() => this.active.delete(r.id));
    }
  }

  private async download(refId: number, signal: AbortSignal): Promise<void> {
    const k = this.db.kysely;
    const claimed = await k.updateTable('template_store_refs').set({ download_state: 'DOWNLOAD_IN_PROGRESS', download_pct: 0, error_str: null })
      .where('id', '=', refId).where('download_state', '=', 'NOT_DOWNLOADED').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return;
    const ref = await k.selectFrom('template_store_refs').selectAll().where('id', '=', refId).executeTakeFirstOrThrow();
    const t = await k.selectFrom('templates').selectAll().where('id', '=', ref.template_id).executeTakeFirstOrThrow();
    const store = await k.selectFrom('image_stores').select(['id', 'path']).where('id', '=', ref.image_store_id).executeTakeFirstOrThrow();
    const ev = (type: string, description: string, level: 'INFO' | 'ERROR' = 'INFO', trx?: typeof k) => this.services.events.record({ type, description, level, userId: SYSTEM_USER_ID, accountId: t.account_id, domainId: t.domain_id, resourceType: 'VirtualMachineTemplate', resourceUuid: t.uuid }, trx);
    try {
      if (!store.path) throw new Error('The image store has no local directory');
      // Before mkdir: creating the directories again would hide a store that is gone (an outage).
      await this.services.imageStores.requireAvailable(store.id);
      const dir = join(store.path, t.is_iso ? 'iso' : 'template', 'tmpl', String(t.account_id), String(t.id));
      await mkdir(dir, { recursive: true });
      const dest = join(dir, `${randomUUID()}.${t.format.toLowerCase()}`);
      await ev('TEMPLATE.DOWNLOAD.START', `Started downloading ${t.name}`);
      const maxGb = Number(await this.services.config.get('max.template.iso.size')) || 50;
      const maxBytes = this.services.templates.maxBytesOverride ?? Math.floor(maxGb * GB);
      let info;
      if (ref.source_ref_id !== null) {
        const src = await k.selectFrom('template_store_refs').select('install_path').where('id', '=', ref.source_ref_id).executeTakeFirst();
        if (!src?.install_path) throw new Error('The source copy is gone');
        await copyFile(src.install_path, dest);
        info = await describeImage(dest);
      } else {
        // At most one progress write per 250 ms, the latest value always written.
        let latest = 0, written = -1, pending: NodeJS.Timeout | undefined;
        const flush = () => {
          pending = undefined;
          if (latest === written) return;
          written = latest;
          void k.updateTable('template_store_refs').set({ download_pct: latest }).where('id', '=', refId).where('download_state', '=', 'DOWNLOAD_IN_PROGRESS').execute().catch(() => {});
        };
        try {
          info = await fetchImage(t.url!, dest, { maxBytes, checksum: t.checksum, signal, onProgress: (pct) => { latest = pct; pending ??= setTimeout(flush, 250); } });
        } finally { if (pending) clearTimeout(pending); }
      }
      if (!formatMatches(t.format, info.format)) { await rm(dest, { force: true }); throw new Error(`The file is ${info.format}, not the declared format ${t.format}`); }
      if (info.virtualSize > maxBytes) { await rm(dest, { force: true }); throw new Error(`The virtual size ${info.virtualSize} exceeds max.template.iso.size (${maxGb} GB)`); }
      await k.transaction().execute(async (trx) => {
        await trx.updateTable('template_store_refs').set({ download_state: 'DOWNLOADED', download_pct: 100, install_path: dest, size: info.virtualSize, physical_size: info.physicalSize }).where('id', '=', refId).execute();
        await trx.updateTable('templates').set({ size: info.virtualSize }).where('id', '=', t.id).execute();
        await ev('TEMPLATE.DOWNLOAD.SUCCESS', `Downloaded ${t.name}`, 'INFO', trx);
      });
    } catch (e) {
      if (this.stopped) return; // restarted by the next process
      const msg = (e as Error).message.slice(0, 4000);
      // The outcome and its event commit together, so whoever sees the error also sees the event.
      await k.transaction().execute(async (trx) => {
        await trx.updateTable('template_store_refs').set({ download_state: 'DOWNLOAD_ERROR', error_str: msg }).where('id', '=', refId).execute();
        await ev('TEMPLATE.DOWNLOAD.FAILED', `Failed to download ${t.name}: ${msg}`, 'ERROR', trx);
      });
    }
  }

  /** The built-in template exists and has a ready copy in every image store's zone. */
  private async ensureBuiltin(): Promise<void> {
    const k = this.db.kysely;
    let t = await k.selectFrom('templates').select(['id', 'removed']).where('template_type', '=', 'BUILTIN').orderBy('id').executeTakeFirst();
    if (t?.removed) return; // deleted by an admin
    const stores = await k.selectFrom('image_stores').select(['id', 'zone_id', 'path']).where('removed', 'is', null).where('zone_id', 'is not', null).where('path', 'is not', null).orderBy('id').execute();
    if (stores.length === 0) return;
    if (!t) {
      const os = await this.services.guestOs.byName('Other (64-bit)');
      const id = await insertId(k, this.db.dialect, 'templates', {
        uuid: randomUUID(), name: BUILTIN_NAME, display_text: BUILTIN_NAME, format: 'QCOW2', is_iso: 0, hypervisor_type: 'KVM', guest_os_id: os!.id,
        account_id: SYSTEM_ACCOUNT_ID, domain_id: ROOT_DOMAIN_ID, public: 1, featured: 1, extractable: 1, password_enabled: 0, bootable: 1,
        template_type: 'BUILTIN', url: null, checksum: null, size: 64 * 1024 * 1024, state: 'Active', cross_zones: 1, created: Date.now(), removed: null,
      });
      t = { id, removed: null };
    }
    const have = new Set((await k.selectFrom('template_store_refs').select('zone_id').where('template_id', '=', t.id).execute()).map((r) => r.zone_id));
    for (const s of stores) {
      if (have.has(s.zone_id!)) continue;
      have.add(s.zone_id!);
      const dir = join(s.path!, 'template', 'tmpl', String(SYSTEM_ACCOUNT_ID), String(t.id));
      await mkdir(dir, { recursive: true });
      const dest = join(dir, 'nimbo-tiny-linux.qcow2');
      const physical = await writeBuiltinImage(dest, this.logger);
      await insertId(k, this.db.dialect, 'template_store_refs', {
        template_id: t.id, image_store_id: s.id, zone_id: s.zone_id!, download_state: 'DOWNLOADED', download_pct: 100, error_str: null,
        install_path: dest, size: TINY_LINUX_SIZE, physical_size: physical, source_ref_id: null, created: Date.now(), removed: null,
      });
    }
  }
}

/**
 * The built-in template's file: the bootable Nimbo Tiny Linux when this machine has its parts
 * (Debian kernel, busybox-static, syslinux, mtools, dosfstools, qemu-utils; built once per
 * machine), else a blank qcow2 of the same size that only simulated hosts can "boot".
 */
async function writeBuiltinImage(dest: string, logger: Logger): Promise<number> {
  if (typeof tinyLinuxParts() !== 'string') {
    try {
      return (await installTinyLinux(dest)).physicalSize;
    } catch (e) {
      logger.warn({ err: e }, 'Nimbo Tiny Linux could not be built; the built-in template is a blank disk');
    }
  }
  const img = makeQcow2(TINY_LINUX_SIZE);
  await writeFile(dest, img);
  return img.length;
}
