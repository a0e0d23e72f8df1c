/**
 * The QEMU/KVM driver: each guest is a daemonized `qemu-system-x86_64` process controlled
 * over QMP, re-adopted after an agent restart from its pid file and sockets (vm-dir.ts).
 * KVM when /dev/kvm is usable, else TCG with a small translation cache. Disks are qcow2
 * files on directory pools (qemu-storage.ts). Live migration: the destination listens with
 * `-incoming`, the source sends with QMP `migrate`; a failed migration leaves the source
 * running and the destination cleaned up.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HypervisorDriver, MigrationTarget, SnapshotBackup, StartSpec, TemplateCreated, VmStats, VolumeCreated, VolumeStat } from '../driver.js';
import type { DiskSpec, HostInfo, MigratingVm, SecurityGroupRuleSet, VmState } from '../../protocol/messages.js';
import { plugTaps } from './guest-taps.js';
import * as img from './qemu-img.js';
import { Qmp } from './qmp.js';
import { incomingRunning, sendMemory } from './qemu-migrate.js';
import { blockdev, deviceId, nodeName, qemuArgs, tapName, type Accel } from './qemu-args.js';
import { cpuMhz, cpuSockets, detectAccel, hostCores, hostMemory, localStorageBytes, privateIp } from './host-info.js';
import { parseSnapshotPath, QemuStorage, snapshotPath, storeDir } from './qemu-storage.js';
import { run } from './run.js';
import { freePort } from '../../util/free-port.js';
import { GuestSamples, processStart, readGuestCounters } from './qemu-stats.js';
import { VmDirs, type VmRecord } from './vm-dir.js';

export interface QemuOptions {
  name: string;
  /** This host's own directory for guest state (pid files, sockets, serial logs). */
  stateDir: string;
  qemuBinary?: string;
  /** Force an accelerator; by default KVM when /dev/kvm is usable. */
  accel?: 'kvm' | 'tcg';
  tbSizeMiB?: number;
  /** How long a guest has to power off after the ACPI button before it is stopped forcibly. */
  stopTimeoutMs?: number;
  migrationTimeoutMs?: number;
  /** Address the destination of a live migration listens on (the host's private IP by default). */
  migrationAddress?: string;
  /** Where non-file secondary stores are mounted (`<root>/<host>/<path>`). */
  mountRoot?: string;
  /** Host NIC whose VLAN sub-interfaces carry tagged guest networks (as the routers'). */
  guestInterface?: string | undefined;
  /** A namespace standing in for the host's own (tests): guests' taps and bridges live there. */
  hostNetns?: string | undefined;
  cpus?: number;
  cpuSpeed?: number;
  memory?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

export class QemuDriver implements HypervisorDriver {
  readonly vms: VmDirs;
  private readonly storage: QemuStorage;
  private readonly accel: Accel;
  private readonly samples = new GuestSamples();
  private readonly qemu: string;
  /** Guests that migrated away whose files are being removed. */
  private readonly leaving = new Map<string, Promise<void>>();
  /** QMP connections of migrateIn calls waiting for an incoming guest. */
  private readonly arriving = new Map<string, Qmp>();

  constructor(private readonly o: QemuOptions) {
    this.vms = new VmDirs(o.stateDir);
    this.storage = new QemuStorage(o.stateDir);
    this.qemu = o.qemuBinary ?? process.env['NIMBO_QEMU_BINARY'] ?? 'qemu-system-x86_64';
    this.accel = detectAccel(o.tbSizeMiB ?? 32, o.accel, this.qemu);
  }

  async hostInfo(): Promise<HostInfo> {
    let version = '';
    try {
      version = /version ([\d.]+)/.exec(await run(this.qemu, ['--version']))?.[1] ?? '';
    } catch {
      /* reported empty: the host cannot run guests */
    }
    return {
      name: this.o.name, hypervisorType: 'KVM', hypervisorVersion: `${this.accel.kind === 'kvm' ? 'kvm' : 'tcg'}-qemu-${version}`,
      cpuSockets: cpuSockets(), cpus: this.o.cpus ?? hostCores(), cpuSpeed: this.o.cpuSpeed ?? cpuMhz(), memory: this.o.memory ?? hostMemory(),
      localStorage: localStorageBytes(this.o.stateDir), privateIp: this.o.migrationAddress ?? privateIp(), arch: 'x86_64',
    };
  }

  /** The accelerator guests run with (kvm, or tcg with its translation cache size). */
  get accelerator(): Accel {
    return this.accel;
  }

  private running(name: string): number | null {
    return this.vms.pid(name);
  }

  private async spawnQemu(name: string, spec: MigratingVm, incoming?: string): Promise<void> {
    const files = this.vms.files(name);
    const formats: Record<string, string> = {};
    // Volumes this driver made are qcow2 by name; anything else is asked (a template or a copy from elsewhere).
    for (const d of spec.disks) if (d.path) formats[d.path] = d.path.endsWith('.qcow2') ? 'qcow2' : (await img.info(d.path)).format;
    // A guest's pools are this host's pools too: volume stats look there.
    for (const d of spec.disks) if (d.path?.endsWith('.qcow2')) await this.storage.usePool(dirname(d.path));
    const args = qemuArgs(spec, { host: this.o.name, accel: this.accel, files, formats, ...(incoming ? { incoming } : {}) });
    await new Promise<void>((resolve, reject) => {
      // -daemonize: the first process exits once the guest is set up; its status says whether it is.
      const p = spawn(this.qemu, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`qemu failed to start ${name}: ${err.trim().slice(0, 1000) || `exit ${code}`}`))));
    });
    await plugTaps(this.o.name, spec.nics ?? [], this.o);
  }

  async startVm(spec: StartSpec): Promise<void> {
    await this.leaving.get(spec.instanceName);
    if (this.running(spec.instanceName) !== null) return;
    const vm: MigratingVm = {
      instanceName: spec.instanceName, cpus: spec.cpus, cpuSpeed: spec.cpuSpeed, memoryMiB: spec.memoryMiB, disks: spec.disks,
      isoPath: spec.isoPath ?? null, ...(spec.nics ? { nics: spec.nics } : {}),
    };
    await this.vms.write(spec.instanceName, { spec: vm });
    await this.spawnQemu(spec.instanceName, vm);
  }

  /** ACPI power button, then (after the timeout, or at once with `force`) QMP quit, then SIGKILL. */
  private async halt(name: string, force: boolean): Promise<void> {
    // A copy still waiting for its memory gives up its waiting connection: QEMU serves one QMP
    // client at a time, and the quit below must get through.
    this.arriving.get(name)?.close();
    this.arriving.delete(name);
    const pid = this.running(name);
    if (pid === null) return;
    const qmp = this.vms.files(name).qmpSocket;
    const gone = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if (!alive(pid)) return true;
        await sleep(10);
      }
      return !alive(pid);
    };
    if (!force) {
      await Qmp.once(qmp, 'system_powerdown').catch(() => undefined);
      if (await gone(this.o.stopTimeoutMs ?? 60_000)) return;
    }
    await Qmp.once(qmp, 'quit', undefined, 5_000).catch(() => undefined);
    if (await gone(5_000)) return;
    process.kill(pid, 'SIGKILL');
    await gone(5_000);
  }

  /** Kills a process that was told to quit if it has not exited within 5 s. */
  private async reap(pid: number): Promise<void> {
    const until = Date.now() + 5_000;
    while (alive(pid) && Date.now() < until) await sleep(50);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }

  async stopVm(instanceName: string, force: boolean): Promise<void> {
    await this.halt(instanceName, force);
  }

  async rebootVm(instanceName: string): Promise<void> {
    if (this.running(instanceName) === null) throw new Error(`VM ${instanceName} is not running`);
    await Qmp.once(this.vms.files(instanceName).qmpSocket, 'system_reset');
  }

  async destroyVm(instanceName: string): Promise<void> {
    await this.halt(instanceName, true);
    await this.vms.remove(instanceName);
    await this.vms.writeRules(instanceName, null);
    this.samples.forget(instanceName);
  }

  private async record(name: string): Promise<VmRecord> {
    const r = await this.vms.read(name);
    if (!r) throw new Error(`VM ${name} is not known on host ${this.o.name}`);
    return r;
  }

  /** The spec a migration destination needs (the VM keeps running). */
  async vmSpec(instanceName: string): Promise<MigratingVm> {
    if (this.running(instanceName) === null) throw new Error(`VM ${instanceName} is not running`);
    return (await this.record(instanceName)).spec;
  }

  /** Starts a paused copy of the guest listening for the source's memory; answers where to send it. */
  async prepareMigrateIn(vm: MigratingVm): Promise<MigrationTarget> {
    await this.leaving.get(vm.instanceName);
    if (this.running(vm.instanceName) !== null) throw new Error(`VM ${vm.instanceName} already runs on host ${this.o.name}`);
    const host = this.o.migrationAddress ?? privateIp();
    try {
      // The port and the record do not depend on each other: both at once, then the copy.
      const [port, written] = await Promise.allSettled([freePort(host), this.vms.write(vm.instanceName, { spec: vm, incoming: true })]);
      if (port.status === 'rejected') throw port.reason;
      if (written.status === 'rejected') throw written.reason;
      await this.spawnQemu(vm.instanceName, vm, `tcp:${host}:${port.value}`);
      // The QMP connection that will see the guest resume is opened now, before the memory
      // comes: then no event can be missed, and QEMU's main loop, which also reads the
      // incoming memory, does not have to greet a client during the transfer.
      this.arriving.set(vm.instanceName, await Qmp.connect(this.vms.files(vm.instanceName).qmpSocket));
      return { host, port: port.value };
    } catch (e) {
      if (this.running(vm.instanceName) !== null) await this.destroyVm(vm.instanceName).catch(() => undefined);
      await this.vms.remove(vm.instanceName);
      throw e;
    }
  }

  /** QEMU's image locks: another qemu (an old copy of the guest) has the disk open for writing. */
  disksHeldElsewhere(err: unknown): boolean {
    return /Failed to get "write" lock|Is another process using the image/.test(err instanceof Error ? err.message : String(err));
  }

  async abortMigrateIn(instanceName: string): Promise<void> {
    const r = await this.vms.read(instanceName);
    if (!r?.incoming) return;
    await this.destroyVm(instanceName); // its halt ends migrateIn's wait too
  }

  async migrateOut(instanceName: string, target?: MigrationTarget, onProgress?: (percent: number) => void): Promise<MigratingVm> {
    const pid = this.running(instanceName);
    if (pid === null) throw new Error(`VM ${instanceName} is not running`);
    const rec = await this.record(instanceName);
    this.samples.forget(instanceName);
    if (!target) {
      await this.halt(instanceName, true); // offline: the destination boots it again
      await this.vms.remove(instanceName);
      return rec.spec;
    }
    await sendMemory(this.vms.files(instanceName).qmpSocket, instanceName, target, this.o.migrationTimeoutMs ?? 600_000, onProgress);
    // Its files go behind the answer: meanwhile it is not reported, and a guest of that name
    // coming back waits for them to be gone.
    this.leaving.set(instanceName, this.vms.remove(instanceName).catch(() => undefined).finally(() => this.leaving.delete(instanceName)));
    void this.reap(pid);
    return rec.spec;
  }

  /**
   * With `live`, the guest must arrive through the copy prepareMigrateIn started: this waits
   * for it to run (the server asks while the memory is still on its way) and never boots a
   * fresh copy, which could run beside the source's if the migration failed.
   */
  async migrateIn(vm: MigratingVm, live = false): Promise<void> {
    const r = await this.vms.read(vm.instanceName);
    if (r?.incoming && this.running(vm.instanceName) !== null) {
      // prepareMigrateIn's connection, unless this agent restarted since (then a new one).
      const opened = this.arriving.get(vm.instanceName);
      const q = opened ?? await Qmp.connect(this.vms.files(vm.instanceName).qmpSocket);
      // abortMigrateIn closes this connection: QEMU serves one QMP client at a time.
      this.arriving.set(vm.instanceName, q);
      try {
        await incomingRunning(q, vm.instanceName, this.o.migrationTimeoutMs ?? 600_000, { watchedBeforeStart: !!opened });
      } finally {
        this.arriving.delete(vm.instanceName);
        q.close();
      }
      await this.vms.write(vm.instanceName, { spec: vm });
      return;
    }
    if (live) throw new Error(`VM ${vm.instanceName} is not arriving on host ${this.o.name}: its incoming copy is gone`);
    await this.startVm({ ...vm, isoPath: vm.isoPath ?? undefined });
  }

  async attachVolume(instanceName: string, disk: DiskSpec): Promise<void> {
    const rec = await this.record(instanceName);
    if (rec.spec.disks.some((d) => d.uuid === disk.uuid)) return;
    if (this.running(instanceName) !== null) {
      if (!disk.path) throw new Error(`Volume ${disk.uuid} has no path`);
      const format = (await img.info(disk.path)).format;
      const q = await Qmp.connect(this.vms.files(instanceName).qmpSocket);
      try {
        await q.execute('blockdev-add', blockdev({ ...disk, path: disk.path }, format));
        try {
          await q.execute('device_add', { driver: 'scsi-hd', id: deviceId(disk.uuid), drive: nodeName(disk.uuid), bus: 'scsi0.0', channel: 0, 'scsi-id': disk.deviceId ?? 1, lun: 0 });
        } catch (e) {
          await q.execute('blockdev-del', { 'node-name': nodeName(disk.uuid) }).catch(() => undefined);
          throw e;
        }
      } finally {
        q.close();
      }
    }
    await this.vms.write(instanceName, { ...rec, spec: { ...rec.spec, disks: [...rec.spec.disks, { ...disk, type: disk.type === 'ROOT' ? 'ROOT' : 'DATADISK' }] } });
  }

  async detachVolume(instanceName: string, volumeUuid: string): Promise<void> {
    const rec = await this.record(instanceName);
    if (!rec.spec.disks.some((d) => d.uuid === volumeUuid)) return;
    if (this.running(instanceName) !== null) {
      const q = await Qmp.connect(this.vms.files(instanceName).qmpSocket);
      try {
        const id = deviceId(volumeUuid);
        await q.execute('device_del', { id });
        await q.waitEvent('DEVICE_DELETED', 30_000, (e) => e.data?.['device'] === id);
        await q.execute('blockdev-del', { 'node-name': nodeName(volumeUuid) });
      } finally {
        q.close();
      }
    }
    await this.vms.write(instanceName, { ...rec, spec: { ...rec.spec, disks: rec.spec.disks.filter((d) => d.uuid !== volumeUuid) } });
  }

  async attachIso(instanceName: string, isoPath: string | null): Promise<void> {
    const rec = await this.record(instanceName);
    if (this.running(instanceName) !== null) {
      const qmp = this.vms.files(instanceName).qmpSocket;
      if (isoPath === null) await Qmp.once(qmp, 'eject', { id: 'cdrom0', force: true });
      else await Qmp.once(qmp, 'blockdev-change-medium', { id: 'cdrom0', filename: isoPath, format: 'raw', 'read-only-mode': 'read-only' });
    }
    await this.vms.write(instanceName, { ...rec, spec: { ...rec.spec, isoPath } });
  }

  createVolume(p: { volumeUuid: string; poolPath: string; size: number; templatePath?: string | undefined }): Promise<VolumeCreated> {
    return this.storage.create(p);
  }

  async deleteVolume(_volumeUuid: string, path: string | null): Promise<void> {
    await this.storage.delete(path);
  }

  /** The running guest of this host that has the volume attached, if any. */
  private async holder(volumeUuid: string): Promise<string | undefined> {
    for (const n of await this.vms.names()) {
      if (this.running(n) === null) continue;
      if ((await this.vms.read(n))?.spec.disks.some((d) => d.uuid === volumeUuid)) return n;
    }
    return undefined;
  }

  async resizeVolume(p: { volumeUuid: string; path: string; size: number; instanceName?: string | undefined }): Promise<VolumeCreated> {
    if (!(p.size > 0)) throw new Error(`Invalid volume size ${p.size}`);
    await this.storage.requireVolume(p.path, p.volumeUuid);
    const vm = p.instanceName ?? (await this.holder(p.volumeUuid));
    if (vm !== undefined && this.running(vm) !== null) await Qmp.once(this.vms.files(vm).qmpSocket, 'block_resize', { 'node-name': nodeName(p.volumeUuid), size: p.size });
    else await img.resize(p.path, p.size);
    return { path: p.path, size: (await img.info(p.path)).virtualSize };
  }

  async migrateVolume(p: { volumeUuid: string; path: string; destPoolPath: string; instanceName?: string | undefined }): Promise<VolumeCreated> {
    await this.storage.requireVolume(p.path, p.volumeUuid);
    const pool = await this.storage.usePool(p.destPoolPath);
    const dest = this.storage.volumePath(pool, p.volumeUuid);
    if (dest === p.path) throw new Error(`Volume ${p.volumeUuid} is already in ${pool}`);
    const vm = p.instanceName;
    if (vm !== undefined) {
      if (this.running(vm) === null) throw new Error(`VM ${vm} is not running`);
      await this.mirror(vm, p.volumeUuid, dest);
      const rec = await this.record(vm);
      await this.vms.write(vm, { ...rec, spec: { ...rec.spec, disks: rec.spec.disks.map((d) => (d.uuid === p.volumeUuid ? { ...d, path: dest } : d)) } });
    } else await img.convert(p.path, dest);
    return { path: dest, size: (await img.info(dest)).virtualSize };
  }

  /** Live storage migration: mirror the disk to the new file, then pivot the guest onto it. */
  private async mirror(vm: string, volumeUuid: string, dest: string): Promise<void> {
    const q = await Qmp.connect(this.vms.files(vm).qmpSocket);
    const job = `mirror-${nodeName(volumeUuid)}`;
    try {
      await q.execute('drive-mirror', { 'job-id': job, device: nodeName(volumeUuid), target: dest, format: 'qcow2', sync: 'full', mode: 'absolute-paths' });
      await q.waitEvent('BLOCK_JOB_READY', 600_000, (e) => e.data?.['device'] === job);
      await q.execute('block-job-complete', { device: job });
      const done = await q.waitEvent('BLOCK_JOB_COMPLETED', 600_000, (e) => e.data?.['device'] === job);
      if (done.data?.['error']) throw new Error(`Storage migration failed: ${String(done.data['error'])}`);
    } finally {
      q.close();
    }
  }

  copyVolume(p: { volumeUuid: string; path: string; destPath: string }): Promise<{ path: string; size: number }> {
    return this.storage.copyOut(p.path, p.destPath);
  }

  async volumeStats(volumeUuids?: string[]): Promise<VolumeStat[]> {
    const attached = new Map<string, string>();
    for (const n of await this.vms.names()) for (const d of (await this.vms.read(n))?.spec.disks ?? []) attached.set(d.uuid, n);
    return (await this.storage.stats(volumeUuids)).map((v) => {
      const vm = attached.get(v.uuid);
      return { ...v, ...(vm ? { instanceName: vm } : {}) };
    });
  }

  async snapshot(p: { volumeUuid: string; path: string; snapshotUuid: string }): Promise<{ path: string }> {
    await this.storage.requireVolume(p.path, p.volumeUuid);
    const vm = await this.holder(p.volumeUuid);
    if (vm !== undefined) await Qmp.once(this.vms.files(vm).qmpSocket, 'blockdev-snapshot-internal-sync', { device: nodeName(p.volumeUuid), name: p.snapshotUuid }, 120_000);
    else await this.storage.snapshotOffline(p.path, p.snapshotUuid);
    return { path: snapshotPath(p.path, p.snapshotUuid) };
  }

  async backupSnapshot(p: { snapshotUuid: string; primaryPath: string; storeUrl: string; installDir: string; parentPath: string | null }): Promise<SnapshotBackup> {
    const dir = join(storeDir(p.storeUrl, this.o.mountRoot ?? '/mnt/nimbo'), p.installDir);
    return this.storage.backup({ snapshotUuid: p.snapshotUuid, primaryPath: p.primaryPath, dir: p.installDir.startsWith('/') ? p.installDir : dir, parentPath: p.parentPath });
  }

  async deleteSnapshot(path: string): Promise<void> {
    const s = parseSnapshotPath(path);
    if (!s) return this.storage.delete(path);
    const uuid = (/([^/]+)\.qcow2$/.exec(s.volume) ?? [])[1];
    const vm = uuid === undefined ? undefined : await this.holder(uuid);
    if (vm !== undefined) {
      await Qmp.once(this.vms.files(vm).qmpSocket, 'blockdev-snapshot-delete-internal-sync', { device: nodeName(uuid!), name: s.name }, 120_000)
        .catch((e: Error) => { if (!/not found|does not exist|Can't find/i.test(e.message)) throw e; });
    } else await this.storage.deleteSnapshotOffline(s.volume, s.name);
  }

  createVolumeFromSnapshot(p: { volumeUuid: string; poolPath: string; size: number; chain: string[] }): Promise<VolumeCreated> {
    return this.storage.restore(p);
  }

  async createTemplate(p: { templateUuid: string; storeUrl: string; installDir: string; chain?: string[] | undefined; volumePath?: string | undefined; size: number }): Promise<TemplateCreated> {
    const dir = p.installDir.startsWith('/') ? p.installDir : join(storeDir(p.storeUrl, this.o.mountRoot ?? '/mnt/nimbo'), p.installDir);
    return this.storage.template({ templateUuid: p.templateUuid, dir, chain: p.chain, volumePath: p.volumePath });
  }

  /** The VNC port (on 127.0.0.1) of a running guest, for the console proxy; null when it is not running here. */
  async vncPort(instanceName: string): Promise<number | null> {
    if (this.running(instanceName) === null) return null;
    const v = await Qmp.once<{ enabled: boolean; service?: string }>(this.vms.files(instanceName).qmpSocket, 'query-vnc');
    return v.enabled && v.service ? Number(v.service) : null;
  }

  /** The console proxy's way in: the guest's VNC server on this host's loopback. */
  async consoleAddress(instanceName: string): Promise<{ host: string; port: number }> {
    const port = await this.vncPort(instanceName);
    if (port === null) throw new Error(`VM ${instanceName} is not running on host ${this.o.name}`);
    return { host: '127.0.0.1', port };
  }

  async vmStats(instanceNames?: string[]): Promise<VmStats[]> {
    const out: VmStats[] = [];
    for (const name of instanceNames ?? (await this.vms.names())) {
      const pid = this.running(name);
      const rec = pid === null ? undefined : await this.vms.read(name);
      if (pid === null || !rec) continue;
      const taps = (rec.spec.nics ?? []).map((n) => tapName(this.o.name, n.uuid));
      const c = await readGuestCounters(pid, this.vms.files(name).qmpSocket, taps);
      if (c) out.push(this.samples.next(name, c, rec.spec.cpus, rec.spec.memoryMiB, () => processStart(pid)));
    }
    return out;
  }

  async applyRouterConfig(instanceName: string, _document: Record<string, unknown>): Promise<{ version: string; changed: boolean }> {
    // Virtual routers on Linux hosts are network namespaces (src/network/linux), not QEMU guests.
    throw new Error(`Router ${instanceName} is not running on host ${this.o.name}: this host has no virtual router backend`);
  }

  async vmStates(): Promise<VmState[]> {
    const out: VmState[] = [];
    for (const name of await this.vms.names()) {
      const rec = await this.vms.read(name);
      if (!rec || rec.incoming || this.leaving.has(name)) continue;
      const state = this.running(name) !== null ? 'Running' : 'Stopped';
      out.push(rec.spec.isoPath ? { instanceName: name, state, isoPath: rec.spec.isoPath } : { instanceName: name, state });
    }
    return out;
  }

  async applySecurityGroupRules(set: SecurityGroupRuleSet): Promise<{ version: number }> {
    const cur = await this.vms.readRules(set.instanceName);
    if (cur && cur.version > set.version) return { version: cur.version };
    await this.vms.writeRules(set.instanceName, set);
    return { version: set.version };
  }

  async securityGroupRules(instanceName?: string): Promise<SecurityGroupRuleSet[]> {
    const out: SecurityGroupRuleSet[] = [];
    for (const n of instanceName === undefined ? await this.vms.ruleNames() : [instanceName]) {
      const r = await this.vms.readRules(n).catch(() => undefined);
      if (r) out.push(r);
    }
    return out;
  }
}
