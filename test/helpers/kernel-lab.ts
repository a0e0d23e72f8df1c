/**
 * Runs one Node script inside a real Debian-kernel guest, for tests that need kernel features
 * the machine's own kernel lacks (802.1Q VLAN sub-interfaces, bridges, veth, nftables: the
 * host kernel here answers "Unknown device type" for `type vlan`).
 *
 * QEMU (TCG, no KVM needed) boots `linux-image-amd64`'s kernel with a small initramfs:
 * busybox-static and the modules that reach the host's root over virtio-9p. Its init mounts
 * the HOST's root read-only (the export is read-only too), puts fresh proc/sys/dev and tmpfs
 * on /tmp and /run over it, chroots into it and runs `node <script> <args>`, so the script, the
 * worktree's dist/ and node_modules, iproute2, nft, dnsmasq and haproxy are the host's own
 * files. Every other module the script needs is loaded on demand from the host's
 * /lib/modules: the kernel's modprobe helper runs in the initramfs root, so it points at a
 * wrapper that chroots into the shared root and runs the host's modprobe there.
 *
 * The kernel logs to the first serial port; the script's stdout and stderr go to the second,
 * followed by an end marker carrying its exit code, then the guest powers off.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpioNewc, type CpioEntry } from '../../src/drivers/qemu/cpio.js';
import { moduleEntries, moduleOrder, tinyLinuxParts } from '../../src/drivers/qemu/tiny-linux.js';
import { qemuSkipReason } from './qemu-zone.js';

/** Printed after the script's output: `NIMBO-KERNEL-LAB-EXIT <code>`. */
export const END_MARKER = 'NIMBO-KERNEL-LAB-EXIT';
const BOOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p'];
/** Where the host's root appears in the initramfs before the chroot. */
const HOST = '/host';

export interface KernelLabRun {
  /** The script's exit code; null when no end marker came (crash, timeout). */
  code: number | null;
  /** What the script wrote to stdout and stderr. */
  output: string;
  /** The guest kernel's console (boot log, oopses), for diagnostics. */
  console: string;
  /** Wall time of the whole run, boot included. */
  ms: number;
}

export interface KernelLabOptions {
  args?: string[];
  /** Options for node itself, before the script (`--test-reporter=tap`). */
  nodeArgs?: string[];
  /** Environment of the script (nothing else is inherited); PATH has a default. */
  env?: Record<string, string>;
  /** Working directory inside the guest (a host path; read-only). Default: / */
  cwd?: string;
  memoryMiB?: number;
  /** Kills the guest after this long (TCG: a boot takes some seconds, everything is slower). */
  timeoutMs?: number;
}

/**
 * Why the lab cannot run here (false when it can): QEMU, root, and the Debian kernel with the
 * virtio/9p modules and the `modules` the script needs (loaded on demand in the guest).
 */
export function kernelLabSkipReason(modules: string[] = []): string | false {
  const q = qemuSkipReason();
  if (q) return q;
  if (process.getuid?.() !== 0) return 'needs root (QEMU exports the host root to the guest as root)';
  const p = tinyLinuxParts();
  if (typeof p === 'string') return p;
  const all = [...BOOT_MODULES, ...modules];
  const found = moduleOrder(readFileSync(join(p.modulesDir, 'modules.dep'), 'utf8'), all).map((m) => m.replace(/^.*\//, '').replace(/\.ko.*$/, '').replace(/-/g, '_'));
  for (const m of all) if (!found.includes(m)) return `the kernel ${p.kernel} has no ${m} module`;
  return false;
}

// The init never builds a command line from text: the argv comes one line per argument
// from /lab/argv and is passed on as "$@".
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "/lib/modules/$m" || echo "insmod $m failed"; done < /lib/modules/order
mkdir -p ${HOST}
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot ${HOST} || { echo "mounting the host root failed"; poweroff -f; }
mount -t proc proc ${HOST}/proc
mount -t sysfs sysfs ${HOST}/sys
mount -t devtmpfs devtmpfs ${HOST}/dev
mkdir -p ${HOST}/dev/shm ${HOST}/dev/pts
mount -t tmpfs tmpfs ${HOST}/dev/shm
mount -t tmpfs -o mode=1777 tmpfs ${HOST}/tmp
mount -t tmpfs -o mode=755 tmpfs ${HOST}/run
# Where daemons write by default (dnsmasq's leases: /var/lib/misc); /var/run is /run on Debian.
[ -d ${HOST}/var/tmp ] && mount -t tmpfs -o mode=1777 tmpfs ${HOST}/var/tmp
[ -d ${HOST}/var/lib/misc ] && mount -t tmpfs tmpfs ${HOST}/var/lib/misc
echo /bin/modprobe-host > /proc/sys/kernel/modprobe
stty -F /dev/ttyS1 raw -echo
set --
while IFS= read -r a; do set -- "$@" "$a"; done < /lab/argv
chroot ${HOST} "$@" > /dev/ttyS1 2>&1 < /dev/null
echo "${END_MARKER} $?" > /dev/ttyS1
sync
poweroff -f
`;

const MODPROBE_HOST = `#!/bin/busybox sh
exec chroot ${HOST} /sbin/modprobe "$@"
`;

async function initramfs(modulesDir: string, busybox: string, argv: string[]): Promise<Buffer> {
  const entries: CpioEntry[] = ['bin', 'dev', 'lab', 'lib', 'lib/modules', 'proc', 'sys'].map((d) => ({ type: 'dir', path: d }));
  entries.push({ type: 'chardev', path: 'dev/console', major: 5, minor: 1 });
  entries.push({ type: 'file', path: 'bin/busybox', data: await readFile(busybox), mode: 0o755 });
  entries.push({ type: 'symlink', path: 'bin/sh', target: 'busybox' });
  entries.push({ type: 'file', path: 'init', data: Buffer.from(INIT), mode: 0o755 });
  entries.push({ type: 'file', path: 'bin/modprobe-host', data: Buffer.from(MODPROBE_HOST), mode: 0o755 });
  entries.push({ type: 'file', path: 'lab/argv', data: Buffer.from(`${argv.join('\n')}\n`) });
  entries.push(...(await moduleEntries(modulesDir, BOOT_MODULES)));
  return gzipSync(cpioNewc(entries), { level: 1 });
}

/** Boots the guest, runs `node <script> <args>` in it and returns what it printed and its exit code. */
export async function runInKernelLab(script: string, o: KernelLabOptions = {}): Promise<KernelLabRun> {
  const p = tinyLinuxParts();
  if (typeof p === 'string') throw new Error(`the kernel lab cannot run here: ${p}`);
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', ...o.env };
  const argv = ['/usr/bin/env', '-i', '-C', o.cwd ?? '/', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, ...(o.nodeArgs ?? []), script, ...(o.args ?? [])];
  if (argv.some((a) => a.includes('\n'))) throw new Error('kernel lab arguments and environment cannot contain newlines');
  if (Object.keys(env).some((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))) throw new Error('bad environment variable name');
  const dir = mkdtempSync(join(tmpdir(), 'nimbo-kernel-lab-'));
  const t0 = Date.now();
  try {
    writeFileSync(join(dir, 'initrd.gz'), await initramfs(p.modulesDir, p.busybox, argv));
    const consoleLog = join(dir, 'console.log');
    const outLog = join(dir, 'out.log');
    const args = [
      '-accel', 'tcg', '-cpu', 'max', '-smp', '1', '-m', String(o.memoryMiB ?? 768),
      '-nodefaults', '-display', 'none', '-monitor', 'none', '-no-reboot',
      '-kernel', p.kernel, '-initrd', join(dir, 'initrd.gz'),
      // panic=-1: a dead init reboots at once, which -no-reboot turns into QEMU exiting.
      '-append', 'console=ttyS0 quiet loglevel=4 panic=-1',
      '-serial', `file:${consoleLog}`, '-serial', `file:${outLog}`,
      '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    ];
    await new Promise<void>((resolve, reject) => {
      const q = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      q.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      const timer = setTimeout(() => q.kill('SIGKILL'), o.timeoutMs ?? 180_000);
      q.once('error', (e) => { clearTimeout(timer); reject(e); });
      q.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0 && !signal) reject(new Error(`qemu-system-x86_64 exited with ${code}: ${stderr.trim()}`));
        else resolve();
      });
    });
    const raw = existsSync(outLog) ? readFileSync(outLog, 'utf8').replace(/\r\n/g, '\n') : '';
    const m = new RegExp(`(?:^|\\n)${END_MARKER} (\\d+)\\n?$`).exec(raw);
    return {
      code: m ? Number(m[1]) : null,
      output: m ? raw.slice(0, m.index + (m[0].startsWith('\n') ? 1 : 0)) : raw,
      console: existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '',
      ms: Date.now() - t0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
