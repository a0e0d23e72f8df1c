/**
 * Nimbo Tiny Linux really boots: built from this machine's Debian parts, cloned thin by the
 * QEMU driver, it reaches its shell (serial log), sees a hot-plugged SCSI disk, and powers
 * off on the ACPI button. TCG, as on a host without KVM (nested KVM cannot run syslinux).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../../test/helpers/until.js';
import { cpioNewc } from './cpio.js';
import { QemuDriver } from './qemu-driver.js';
import { BOOT_MARKER, cachedTinyLinux, moduleOrder, readSerialLog, tinyLinuxParts } from './tiny-linux.js';

const parts = tinyLinuxParts();
const root = mkdtempSync(join(tmpdir(), 'nimbo-tiny-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('Nimbo Tiny Linux', () => {
  it('cpio newc archives list back with cpio; modules load after their dependencies', () => {
    const a = cpioNewc([{ type: 'dir', path: 'etc' }, { type: 'file', path: 'etc/x', data: Buffer.from('hi') }, { type: 'symlink', path: 'bin/sh', target: 'busybox' }, { type: 'chardev', path: 'dev/console', major: 5, minor: 1 }]);
    const list = execFileSync('cpio', ['-t', '--quiet'], { input: a, encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(list, ['etc', 'etc/x', 'bin/sh', 'dev/console']);
    const dep = 'kernel/a/virtio_blk.ko: kernel/a/virtio_ring.ko kernel/a/virtio.ko\nkernel/a/virtio.ko:\nkernel/a/virtio_ring.ko: kernel/a/virtio.ko\n';
    assert.deepEqual(moduleOrder(dep, ['virtio_blk']), ['kernel/a/virtio.ko', 'kernel/a/virtio_ring.ko', 'kernel/a/virtio_blk.ko']);
  });

  it('boots to its shell, sees a hot-plugged disk and powers off on the ACPI button', { skip: typeof parts === 'string' ? parts : false, timeout: 240_000 }, async () => {
    const image = await cachedTinyLinux(join(root, 'cache'));
    const d = new QemuDriver({ name: 'tiny', stateDir: join(root, 'host'), accel: 'tcg', tbSizeMiB: 32, stopTimeoutMs: 60_000 });
    const pool = join(root, 'pool');
    const rootDisk = await d.createVolume({ volumeUuid: 'root-1', poolPath: pool, size: 0, templatePath: image });
    const data = await d.createVolume({ volumeUuid: 'data-1', poolPath: pool, size: 8 * 1024 ** 2 });
    try {
      await d.startVm({ instanceName: 'i-1-1-VM', cpus: 1, cpuSpeed: 500, memoryMiB: 96, disks: [{ uuid: 'root-1', path: rootDisk.path, type: 'ROOT', deviceId: 0 }] });
      const log = d.vms.files('i-1-1-VM').serialLog;
      await until('the guest to boot', async () => readSerialLog(log).includes(BOOT_MARKER), 120_000);
      await d.attachVolume('i-1-1-VM', { uuid: 'data-1', path: data.path, type: 'DATADISK', deviceId: 1 });
      await until('the guest to see the disk', async () => /\[sd[a-z]\] Attached SCSI disk/.test(readSerialLog(log)), 60_000);
      await d.stopVm('i-1-1-VM', false);
      assert.match(readSerialLog(log), /reboot: Power down/, 'the guest powered itself off');
      assert.deepEqual(await d.vmStates(), [{ instanceName: 'i-1-1-VM', state: 'Stopped' }]);
    } finally {
      await d.destroyVm('i-1-1-VM');
    }
  });
});
