/** A "newc" cpio archive writer (the initramfs format): directories, files, symlinks and device nodes. */

export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'chardev'; path: string; major: number; minor: number; mode?: number };

const hex = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

function header(ino: number, mode: number, size: number, name: string, rdev: [number, number] = [0, 0]): Buffer {
  const nameBuf = Buffer.from(`${name}\0`);
  const h = Buffer.from(`070701${hex(ino)}${hex(mode)}${hex(0)}${hex(0)}${hex(1)}${hex(0)}${hex(size)}${hex(0)}${hex(0)}${hex(rdev[0])}${hex(rdev[1])}${hex(nameBuf.length)}${hex(0)}`);
  return Buffer.concat([h, nameBuf, pad4(h.length + nameBuf.length)]);
}

export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    let mode: number, data: Buffer = Buffer.alloc(0), rdev: [number, number] = [0, 0];
    if (e.type === 'dir') mode = 0o040000 | (e.mode ?? 0o755);
    else if (e.type === 'file') { mode = 0o100000 | (e.mode ?? 0o644); data = e.data; }
    else if (e.type === 'symlink') { mode = 0o120777; data = Buffer.from(e.target); }
    else { mode = 0o020000 | (e.mode ?? 0o600); rdev = [e.major, e.minor]; }
    parts.push(header(ino++, mode, data.length, name, rdev), data, pad4(data.length));
  }
  parts.push(header(0, 0, 0, 'TRAILER!!!'));
  return Buffer.concat(parts);
}
