/**
 * "Nimbo Tiny Linux": a real bootable qcow2 built on this machine from Debian packages only
 * (never a committed binary): the host's kernel (`linux-image-amd64`, /boot/vmlinuz-*), an
 * initramfs around `busybox-static` with the virtio, SCSI and ACPI-button modules, and
 * syslinux on a FAT disk (`syslinux`, `mtools`, `dosfstools`). The guest logs to the serial
 * console, prints BOOT_MARKER when up, asks DHCP for its first NIC's address (busybox udhcpc,
 * DHCP_MARKER once bound) and powers off on the ACPI power button (busybox acpid).
 * Built once per machine into a cache keyed by its inputs.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpioNewc, type CpioEntry } from './cpio.js';
import { run } from './run.js';

export const BOOT_MARKER = 'NIMBO-TINY-LINUX-UP';
/** Printed with the interface, address and router once the guest's first NIC has a DHCP lease. */
export const DHCP_MARKER = 'NIMBO-DHCP-BOUND';
export const TINY_LINUX_SIZE = 64 * 1024 * 1024;

/** Bumped when the image's layout changes (part of the cache key). */
const BUILD_VERSION = 3;
const MODULES = ['virtio_pci', 'virtio_blk', 'virtio_scsi', 'sd_mod', 'virtio_net', 'button', 'evdev'];

export interface TinyLinuxParts {
  kernel: string;
  modulesDir: string;
  busybox: string;
  syslinuxMbrDir: string | null;
}

const which = (cmd: string) => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => existsSync(join(d, cmd)));

/** The inputs found on this machine, or the reason the image cannot be built here. */
export function tinyLinuxParts(): TinyLinuxParts | string {
  let kernels: string[] = [];
  try {
    kernels = readdirSync('/boot').filter((f) => /^vmlinuz-/.test(f)).sort();
  } catch {
    /* no /boot */
  }
  const kernel = kernels.map((k) => k.slice('vmlinuz-'.length)).reverse().find((v) => existsSync(`/lib/modules/${v}/modules.dep`));
  if (!kernel) return 'no kernel with modules in /boot (linux-image-amd64)';
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) return 'no busybox (busybox-static)';
  for (const c of ['syslinux', 'mcopy', 'mkfs.fat', 'qemu-img']) if (!which(c)) return `no ${c} (syslinux, mtools, dosfstools, qemu-utils)`;
  return { kernel: `/boot/vmlinuz-${kernel}`, modulesDir: `/lib/modules/${kernel}`, busybox, syslinuxMbrDir: null };
}

/** Modules in load order (dependencies first), from modules.dep. */
export function moduleOrder(modulesDep: string, wanted: string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const line of modulesDep.split('\n')) {
    const [mod, rest] = line.split(':');
    if (mod && rest !== undefined) deps.set(mod.trim(), rest.trim().split(/\s+/).filter(Boolean));
  }
  const byName = new Map<string, string>();
  for (const k of deps.keys()) byName.set(k.replace(/^.*\//, '').replace(/\.ko(\.\w+)?$/, '').replace(/-/g, '_'), k);
  const out: string[] = [];
  const visit = (path: string) => {
    if (out.includes(path)) return;
    for (const d of deps.get(path) ?? []) visit(d);
    out.push(path);
  };
  for (const w of wanted) {
    const p = byName.get(w);
    if (p) visit(p);
  }
  return out;
}

const INIT = `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done < /lib/modules/order
mkdir -p /dev/input
acpid -c /etc/acpi
echo "${BOOT_MARKER}"
[ -e /sys/class/net/eth0 ] && udhcpc -i eth0 -f -t 5 -T 1 -A 2 -s /etc/udhcpc.script >/dev/null 2>&1 &
exec /bin/busybox init
`;

/** udhcpc's hook: configures eth0 from the lease and says so on the console (DHCP_MARKER). */
const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip link set "$interface" up; ip addr flush dev "$interface" ;;
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/\${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route replace default via "\${router%% *}" dev "$interface"
    echo "${DHCP_MARKER} $interface $ip router \${router%% *}" > /dev/console ;;
esac
`;

/**
 * `wanted` and their dependencies as initramfs files `lib/modules/<name>.ko` (xz ones
 * unpacked: busybox insmod loads plain files), with `lib/modules/order` listing them in load order.
 */
export async function moduleEntries(modulesDir: string, wanted: string[]): Promise<CpioEntry[]> {
  const order = moduleOrder(await readFile(join(modulesDir, 'modules.dep'), 'utf8'), wanted);
  const entries: CpioEntry[] = [];
  const names: string[] = [];
  for (const m of order) {
    const src = join(modulesDir, m);
    let data = await readFile(src);
    if (m.endsWith('.xz')) data = Buffer.from(await run('xz', ['-dc', src]), 'latin1');
    const name = m.replace(/^.*\//, '').replace(/\.xz$/, '');
    names.push(name);
    entries.push({ type: 'file', path: `lib/modules/${name}`, data });
  }
  entries.push({ type: 'file', path: 'lib/modules/order', data: Buffer.from(`${names.join('\n')}\n`) });
  return entries;
}

async function initramfs(p: TinyLinuxParts): Promise<Buffer> {
  const entries: CpioEntry[] = ['bin', 'dev', 'etc', 'etc/acpi', 'etc/acpi/PWRF', 'lib', 'lib/modules', 'proc', 'sys', 'tmp', 'root', 'var', 'var/log', 'var/run'].map((d) => ({ type: 'dir', path: d }));
  entries.push({ type: 'chardev', path: 'dev/console', major: 5, minor: 1 });
  entries.push({ type: 'file', path: 'bin/busybox', data: await readFile(p.busybox), mode: 0o755 });
  entries.push({ type: 'symlink', path: 'bin/sh', target: 'busybox' });
  entries.push({ type: 'file', path: 'init', data: Buffer.from(INIT), mode: 0o755 });
  entries.push({ type: 'file', path: 'etc/inittab', data: Buffer.from('::respawn:-/bin/sh\n::shutdown:/bin/sync\n') });
  entries.push({ type: 'file', path: 'etc/udhcpc.script', data: Buffer.from(UDHCPC_SCRIPT), mode: 0o755 });
  entries.push({ type: 'file', path: 'etc/acpi/PWRF/00000080', data: Buffer.from('#!/bin/sh\necho "power button: powering off"\npoweroff\n'), mode: 0o755 });
  entries.push(...(await moduleEntries(p.modulesDir, MODULES)));
  return gzipSync(cpioNewc(entries), { level: 6 });
}

/** Builds the bootable qcow2 at `dest`. */
export async function buildTinyLinux(dest: string, p: TinyLinuxParts): Promise<void> {
  const work = join(tmpdir(), `nimbo-tiny-${randomUUID()}`);
  await mkdir(work, { recursive: true });
  try {
    const raw = join(work, 'disk.raw');
    await writeFile(join(work, 'initrd.gz'), await initramfs(p));
    await writeFile(join(work, 'syslinux.cfg'), 'DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL vmlinuz\n  INITRD initrd.gz\n  APPEND console=tty0 console=ttyS0,115200 panic=5\n');
    await writeFile(raw, '');
    await truncate(raw, TINY_LINUX_SIZE);
    // A FAT file system over the whole disk (no partition table): SeaBIOS boots its boot sector, which syslinux fills.
    await run('mkfs.fat', ['-n', 'NIMBO', raw]);
    await run('syslinux', ['--install', raw]);
    for (const [src, name] of [[p.kernel, 'vmlinuz'], [join(work, 'initrd.gz'), 'initrd.gz'], [join(work, 'syslinux.cfg'), 'syslinux.cfg']] as const) {
      await run('mcopy', ['-i', raw, src, `::${name}`]);
    }
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, dest]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The image for this machine's inputs, built once into `cacheDir` (atomically: builds may race). */
export async function cachedTinyLinux(cacheDir = join(tmpdir(), 'nimbo-tiny-linux')): Promise<string> {
  const p = tinyLinuxParts();
  if (typeof p === 'string') throw new Error(`Nimbo Tiny Linux cannot be built here: ${p}`);
  const key = createHash('sha256').update(JSON.stringify([BUILD_VERSION, p, INIT, MODULES, statSync(p.kernel).mtimeMs, statSync(p.busybox).mtimeMs])).digest('hex').slice(0, 16);
  const path = join(cacheDir, `nimbo-tiny-linux-${key}.qcow2`);
  if (existsSync(path)) return path;
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  try {
    await buildTinyLinux(tmp, p);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  return path;
}

/** Copies the cached image to `dest` (the built-in template's file on secondary storage). */
export async function installTinyLinux(dest: string): Promise<{ size: number; physicalSize: number }> {
  const src = await cachedTinyLinux();
  await copyFile(src, dest);
  return { size: TINY_LINUX_SIZE, physicalSize: statSync(dest).size };
}

export const readSerialLog = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
