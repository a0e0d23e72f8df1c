/**
 * The qemu-img calls the QEMU driver needs (thin clones, blanks, resize, convert, info,
 * rebase), each spawned with an argument array. Paths come from the server, never a shell.
 */
import { run } from './run.js';

export interface ImageInfo {
  filename: string;
  format: string;
  virtualSize: number;
  actualSize: number;
  backingFile: string | null;
}

const QEMU_IMG = process.env['NIMBO_QEMU_IMG'] ?? 'qemu-img';

export async function info(path: string): Promise<ImageInfo> {
  // -U: the image may be open by a running guest (its lock would refuse a plain open).
  const j = JSON.parse(await run(QEMU_IMG, ['info', '-U', '--output=json', path])) as Record<string, unknown>;
  return {
    filename: String(j['filename']), format: String(j['format']), virtualSize: Number(j['virtual-size']), actualSize: Number(j['actual-size'] ?? 0),
    backingFile: typeof j['full-backing-filename'] === 'string' ? j['full-backing-filename'] : typeof j['backing-filename'] === 'string' ? j['backing-filename'] : null,
  };
}

/** A blank qcow2 of `size` bytes, or a thin child of `backing` (its size at least the backing's). */
export async function create(path: string, size: number, backing?: { path: string; format: string }): Promise<void> {
  const args = ['create', '-q', '-f', 'qcow2'];
  if (backing) args.push('-b', backing.path, '-F', backing.format);
  args.push(path);
  if (size > 0 || !backing) args.push(String(size));
  await run(QEMU_IMG, args);
}

export async function resize(path: string, size: number): Promise<void> {
  // --shrink: CloudStack allows shrinking with shrinkok; the server already decided.
  await run(QEMU_IMG, ['resize', '-q', '--shrink', path, String(size)]);
}

/** A standalone copy (the whole backing chain flattened) in `format`. */
export async function convert(src: string, dest: string, format = 'qcow2', opts: { backing?: string; srcFormat?: string } = {}): Promise<void> {
  const args = ['convert', '-q', '-U'];
  if (opts.srcFormat) args.push('-f', opts.srcFormat);
  args.push('-O', format);
  // With -B the copy holds only what differs from the backing file (an incremental backup).
  if (opts.backing) args.push('-B', opts.backing, '-F', 'qcow2');
  args.push(src, dest);
  await run(QEMU_IMG, args, { timeoutMs: 3_600_000 });
}

/** Points the image at a new backing file without copying data (-u: the content is the same). */
export async function rebase(path: string, backing: string): Promise<void> {
  await run(QEMU_IMG, ['rebase', '-q', '-u', '-f', 'qcow2', '-b', backing, '-F', 'qcow2', path]);
}
