/**
 * The qemu-system-x86_64 argument array for one guest (pure: tested without QEMU). Devices
 * get fixed ids and addresses so a migration destination started from the same spec has
 * the same device tree: root disk virtio-blk, data disks scsi-hd on one virtio-scsi
 * controller (hot-unplug of SCSI needs no guest cooperation), CD-ROM on the IDE bus, NICs as
 * tap devices, VNC on loopback only, QMP and the serial console on unix sockets.
 */
import { createHash } from 'node:crypto';
import type { DiskSpec, MigratingVm, NicSpec } from '../../protocol/messages.js';

export interface Accel {
  kind: 'kvm' | 'tcg';
  /** TCG translation cache in MiB (the default 1 GiB would dominate a small guest's RSS). */
  tbSizeMiB: number;
}

export interface VmFiles {
  pidFile: string;
  qmpSocket: string;
  serialSocket: string;
  serialLog: string;
}

/** Disk path → image format, as qemu-img reports it. */
export type Formats = Record<string, string>;

const short = (s: string, n = 20) => createHash('sha1').update(s).digest('hex').slice(0, n);

/** QMP node name (≤ 31 characters) and qdev id of a volume's disk. */
export const nodeName = (uuid: string) => `n${short(uuid)}`;
export const deviceId = (uuid: string) => `d${short(uuid)}`;
/** Tap device of a NIC (≤ 15 characters); `host` keeps two agents of one machine apart. */
export const tapName = (host: string, nicUuid: string) => `nt${short(`${host}/${nicUuid}`, 12)}`;

export function blockdev(d: DiskSpec & { path: string }, format: string, readOnly = false): Record<string, unknown> {
  return { driver: format, 'node-name': nodeName(d.uuid), 'read-only': readOnly, file: { driver: 'file', filename: d.path }, 'discard': 'unmap' };
}

/** The device of a disk: the root disk boots first; data disks are SCSI LUNs addressed by device id. */
export function diskDevice(d: DiskSpec): Record<string, unknown> {
  if (d.type === 'ROOT') return { driver: 'virtio-blk-pci', id: deviceId(d.uuid), drive: nodeName(d.uuid), bus: 'pci.0', addr: '0x5', bootindex: 1 };
  return { driver: 'scsi-hd', id: deviceId(d.uuid), drive: nodeName(d.uuid), bus: 'scsi0.0', channel: 0, 'scsi-id': d.deviceId ?? 1, lun: 0 };
}

export function nicArgs(host: string, nics: NicSpec[]): string[] {
  const out: string[] = [];
  for (const n of [...nics].sort((a, b) => a.deviceId - b.deviceId)) {
    const id = `net${n.deviceId}`;
    out.push('-netdev', `tap,id=${id},ifname=${tapName(host, n.uuid)},script=no,downscript=no`);
    out.push('-device', JSON.stringify({ driver: 'virtio-net-pci', netdev: id, id: `nic${n.deviceId}`, mac: n.mac, bus: 'pci.0', addr: `0x${(8 + n.deviceId).toString(16)}` }));
  }
  return out;
}

export function qemuArgs(vm: MigratingVm, o: { host: string; accel: Accel; files: VmFiles; formats: Formats; incoming?: string }): string[] {
  const a: string[] = ['-name', `${vm.instanceName},debug-threads=on`, '-nodefaults', '-no-user-config', '-machine', 'pc'];
  if (o.accel.kind === 'kvm') a.push('-accel', 'kvm', '-cpu', 'host');
  else a.push('-accel', `tcg,tb-size=${o.accel.tbSizeMiB}`, '-cpu', 'qemu64');
  a.push('-smp', String(Math.max(1, vm.cpus)), '-m', String(vm.memoryMiB));
  a.push('-qmp', `unix:${o.files.qmpSocket},server=on,wait=off`);
  a.push('-chardev', `socket,id=serial0,path=${o.files.serialSocket},server=on,wait=off,logfile=${o.files.serialLog},logappend=on`, '-serial', 'chardev:serial0');
  // VNC on loopback only; `to=` lets QEMU take the next free display (many guests, several agents).
  a.push('-vnc', '127.0.0.1:0,to=5000', '-vga', 'std');
  a.push('-device', JSON.stringify({ driver: 'virtio-scsi-pci', id: 'scsi0', bus: 'pci.0', addr: '0x6' }));
  for (const d of [...vm.disks].sort((x, y) => (x.deviceId ?? 0) - (y.deviceId ?? 0))) {
    if (d.path === null) continue;
    a.push('-blockdev', JSON.stringify(blockdev({ ...d, path: d.path }, o.formats[d.path] ?? 'qcow2')));
    a.push('-device', JSON.stringify(diskDevice(d)));
  }
  if (vm.isoPath) a.push('-blockdev', JSON.stringify({ driver: 'raw', 'node-name': 'cdmedia', 'read-only': true, file: { driver: 'file', filename: vm.isoPath } }));
  a.push('-device', JSON.stringify({ driver: 'ide-cd', id: 'cdrom0', bus: 'ide.1', unit: 0, ...(vm.isoPath ? { drive: 'cdmedia' } : {}) }));
  a.push(...nicArgs(o.host, vm.nics ?? []));
  if (o.incoming) a.push('-incoming', o.incoming);
  a.push('-daemonize', '-pidfile', o.files.pidFile);
  return a;
}
