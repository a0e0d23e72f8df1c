/**
 * The simulator hypervisor: VMs and volumes live in memory (a few hundred bytes per host
 * until VMs start), with configurable capacity, per-operation delays and fault injection.
 * It is a real driver: the agent runs it over the real protocol.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HypervisorDriver, MigrationTarget, SnapshotBackup, StartSpec, TemplateCreated, VmStats, VolumeCreated, VolumeStat } from '../driver.js';
import type { DiskSpec, HostInfo, HostStats, MigratingVm, RouterTrafficCounter, SecurityGroupRuleSet, SimulatorMock, VmState } from '../../protocol/messages.js';
import { MockBook, type MockEffect } from './mocks.js';
import { SIM_STORAGE, type SimStorage } from './sim-storage.js';
import { documentVersion } from '../router-version.js';
import { defaultTraffic, sampleTraffic, type TrafficCounter } from './router-traffic.js';
import { startRfbServer } from './rfb-server.js';
import { SimArrivals, sendVm } from './sim-migration.js';

/** CloudStack's simulator defaults (MockAgentManager): 4 cores × 8000 MHz, 8 GiB, 1 TiB local. */
export const SIMULATOR_DEFAULTS = { cpus: 4, cpuSpeed: 8000, memory: 8 * 1024 ** 3, localStorage: 1024 ** 4 } as const;

export interface SimulatorOptions {
  name: string;
  cpus?: number;
  cpuSpeed?: number;
  memory?: number;
  localStorage?: number;
  privateIp?: string;
  /** Delay of every VM operation in ms (mocks add their own). */
  delayMs?: number;
  /** Probability 0..1 that a VM operation fails. */
  failureRate?: number;
  /** The primary storage the host sees; by default the process-wide one. */
  storage?: SimStorage;
  /**
   * The real address a live migration's destination listens on (sim-migration.ts): loopback
   * by default, as when every simulated host runs on one machine.
   */
  migrationAddress?: string;
}


interface SimVm {
  spec: MigratingVm;
  state: 'Running' | 'Stopped';
  /**
   * A router VM's last applied document and its version (kept so tests can fetch it); `applied`
   * counts changes, `received` every ApplyRouterConfig (an unchanged re-push too), `at` the last.
   */
  router?: { version: string; document: Record<string, unknown>; applied: number; received: number; at: number };
  /** A router's traffic counters since this boot; made at the first sample (a new SimVm is a new boot). */
  traffic?: TrafficCounter;
  /** The VM's VNC server, started on the first console request (10,000 idle VMs hold no sockets). */
  console?: Promise<{ port: number; close(): void }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SimulatorDriver implements HypervisorDriver {
  private vms: Map<string, SimVm> | undefined;
  private readonly storage: SimStorage;
  /** Security-group rule sets in force, by instance name (what a real host would have in nftables). */
  private ruleSets: Map<string, SecurityGroupRuleSet> | undefined;
  readonly mocks = new MockBook();
  /** Statistics samples taken so far (the simulated load moves with each). */
  private samples = 0;
  /** Primary pool directories this host cannot reach now (poolsUnreachable). */
  private lostPools: string[] = [];
  /** Live migrations arriving here (made at the first one). */
  private arrivals: SimArrivals | undefined;

  constructor(private readonly o: SimulatorOptions) {
    this.storage = o.storage ?? SIM_STORAGE;
  }

  /** Consumes a mock or the random failure rate for one operation; throws a simulated failure. */
  private async gate(op: string): Promise<MockEffect | null> {
    const m = this.mocks.size ? this.mocks.take(op) : null;
    const wait = (m?.waitMs ?? 0) + (this.o.delayMs ?? 0);
    if (wait > 0) await sleep(wait);
    if (m?.fail) throw new Error(m.fail);
    if (this.o.failureRate && Math.random() < this.o.failureRate) throw new Error('Simulated failure');
    return m;
  }

  /** True when a `PingCommand` mock says this host stops answering heartbeats. */
  pingSuppressed(): boolean {
    if (!this.mocks.size) return false;
    const m = this.mocks.take('Ping');
    return m !== null && m.fail !== null;
  }

  /**
   * A peer's view of a host the server lost. A `CheckOnHostCommand` mock with `result:fail`
   * makes the peer still see it (a partition between the server and the host), which blocks
   * fencing; otherwise the host's heartbeat on shared storage decides when there is one
   * (`heartbeat`, read by the agent), and simulated hosts, sharing no network, report it gone.
   */
  checkHost(_hostUuid: string, heartbeat: boolean | null = null): boolean {
    const m = this.mocks.size ? this.mocks.take('CheckHost') : null;
    if (m !== null && m.fail !== null) return true;
    return heartbeat ?? false;
  }

  /** True while a `StoragePoolOutage` mock (for this pool, or without `pool:`) says the host lost the pool. */
  poolOutage(poolUuid: string): boolean {
    return this.mocks.size > 0 && this.mocks.holds('StoragePoolOutage', poolUuid);
  }

  /** Guests whose disks were on a lost pool die with them, as on a real host. */
  async poolsUnreachable(lost: string[]): Promise<void> {
    this.lostPools = lost.map((p) => p.replace(/\/+$/, ''));
    if (!this.lostPools.length) return;
    for (const v of this.vms?.values() ?? []) {
      if (v.state !== 'Running' || !v.spec.disks.some((d) => d.path !== null && this.lostPoolOf(d.path))) continue;
      v.state = 'Stopped';
      closeConsole(v);
    }
  }

  private lostPoolOf(path: string): string | undefined {
    return this.lostPools.find((p) => path === p || path.startsWith(`${p}/`));
  }

  /** Refuses to use a disk or directory on a pool the host lost. */
  private reachable(paths: Array<string | null | undefined>): void {
    for (const path of paths) {
      const lost = path ? this.lostPoolOf(path) : undefined;
      if (lost) throw new Error(`Primary storage ${lost} is not reachable from host ${this.o.name}`);
    }
  }

  configure(mocks: SimulatorMock[]): void {
    this.mocks.set(mocks);
  }

  cleanup(ids?: number[]): void {
    this.mocks.clear(ids);
  }

  private vmMap(): Map<string, SimVm> {
    return (this.vms ??= new Map());
  }

  private vm(name: string): SimVm {
    const v = this.vms?.get(name);
    if (!v) throw new Error(`VM ${name} is not known on host ${this.o.name}`);
    return v;
  }

  async hostInfo(): Promise<HostInfo> {
    return {
      name: this.o.name, hypervisorType: 'Simulator', hypervisorVersion: '4.20.0', cpuSockets: 1,
      cpus: this.o.cpus ?? SIMULATOR_DEFAULTS.cpus, cpuSpeed: this.o.cpuSpeed ?? SIMULATOR_DEFAULTS.cpuSpeed,
      memory: this.o.memory ?? SIMULATOR_DEFAULTS.memory, localStorage: this.o.localStorage ?? SIMULATOR_DEFAULTS.localStorage,
      privateIp: this.o.privateIp ?? '127.0.0.1', arch: 'x86_64',
    };
  }

  async startVm(spec: StartSpec): Promise<void> {
    await this.gate('StartVm');
    this.reachable(spec.disks.map((d) => d.path));
    const cur = this.vms?.get(spec.instanceName);
    if (cur?.state === 'Running') return;
    this.vmMap().set(spec.instanceName, {
      state: 'Running',
      spec: { instanceName: spec.instanceName, cpus: spec.cpus, cpuSpeed: spec.cpuSpeed, memoryMiB: spec.memoryMiB, disks: spec.disks, isoPath: spec.isoPath ?? null, ...(spec.nics ? { nics: spec.nics } : {}) },
    });
  }

  async stopVm(instanceName: string, _force: boolean): Promise<void> {
    await this.gate('StopVm');
    const v = this.vms?.get(instanceName);
    if (v) {
      v.state = 'Stopped';
      closeConsole(v);
    }
  }

  async rebootVm(instanceName: string): Promise<void> {
    await this.gate('RebootVm');
    const v = this.vm(instanceName);
    if (v.state !== 'Running') throw new Error(`VM ${instanceName} is not running`);
    // A reboot starts the guest's (a router's iptables) counters from zero again.
    delete v.traffic;
  }

  async destroyVm(instanceName: string): Promise<void> {
    await this.gate('DestroyVm');
    const v = this.vms?.get(instanceName);
    if (v) closeConsole(v);
    this.vms?.delete(instanceName);
    this.ruleSets?.delete(instanceName);
  }

  /** With a `target`, live (sim-migration.ts): the VM runs here until the destination took it. */
  async migrateOut(instanceName: string, target?: MigrationTarget, onProgress?: (percent: number) => void): Promise<MigratingVm> {
    await this.gate('MigrateVm');
    const v = this.vm(instanceName);
    if (v.state !== 'Running') throw new Error(`VM ${instanceName} is not running`);
    if (target) await sendVm(target, v.spec);
    onProgress?.(100);
    closeConsole(v);
    this.vms!.delete(instanceName);
    return v.spec;
  }

  async migrateIn(vm: MigratingVm, live = false): Promise<void> {
    if (live) return this.arrivals?.has(vm.instanceName) ? this.arrivals.arrived(vm.instanceName)
      : Promise.reject(new Error(`VM ${vm.instanceName} is not arriving on host ${this.o.name}: its incoming copy is gone`));
    await this.gate('ReceiveVm');
    this.reachable(vm.disks.map((d) => d.path));
    this.vmMap().set(vm.instanceName, { spec: vm, state: 'Running' });
  }

  async vmSpec(instanceName: string): Promise<MigratingVm> {
    const v = this.vm(instanceName);
    if (v.state !== 'Running') throw new Error(`VM ${instanceName} is not running`);
    return { ...v.spec };
  }

  /** CloudStack's PrepareForMigrationCommand (mock alias of ReceiveVm) is this step. */
  async prepareMigrateIn(vm: MigratingVm): Promise<MigrationTarget> {
    await this.gate('ReceiveVm');
    this.reachable(vm.disks.map((d) => d.path));
    if (this.vms?.get(vm.instanceName)?.state === 'Running') throw new Error(`VM ${vm.instanceName} already runs on host ${this.o.name}`);
    return (this.arrivals ??= new SimArrivals(this.o.migrationAddress)).listen(vm, (spec) => this.vmMap().set(spec.instanceName, { spec, state: 'Running' }));
  }

  async abortMigrateIn(instanceName: string): Promise<void> {
    this.arrivals?.abort(instanceName);
  }

  async attachVolume(instanceName: string, disk: DiskSpec): Promise<void> {
    await this.gate('AttachVolume');
    const v = this.vm(instanceName);
    if (!v.spec.disks.some((d) => d.uuid === disk.uuid)) v.spec.disks = [...v.spec.disks, disk];
  }

  async detachVolume(instanceName: string, volumeUuid: string): Promise<void> {
    await this.gate('DetachVolume');
    const v = this.vm(instanceName);
    v.spec.disks = v.spec.disks.filter((d) => d.uuid !== volumeUuid);
  }

  async attachIso(instanceName: string, isoPath: string | null): Promise<void> {
    await this.gate(isoPath === null ? 'DetachIso' : 'AttachIso');
    this.vm(instanceName).spec.isoPath = isoPath;
  }

  async createVolume(p: { volumeUuid: string; poolPath: string; size: number; templatePath?: string | undefined }): Promise<VolumeCreated> {
    await this.gate('CreateVolume');
    this.reachable([p.poolPath]);
    if (!(p.size >= 0)) throw new Error(`Invalid volume size ${p.size}`);
    const created = { path: `${p.poolPath.replace(/\/+$/, '')}/${p.volumeUuid}`, size: p.size };
    this.storage.disks.set(created.path, { uuid: p.volumeUuid, size: p.size });
    return created;
  }

  async deleteVolume(volumeUuid: string, path: string | null): Promise<void> {
    await this.gate('DeleteVolume');
    if (path !== null) this.storage.disks.delete(path);
    else for (const [k, d] of this.storage.disks) if (d.uuid === volumeUuid) this.storage.disks.delete(k);
  }

  private disk(path: string, uuid: string) {
    const d = this.storage.disks.get(path);
    if (!d || d.uuid !== uuid) throw new Error(`Volume ${uuid} does not exist at ${path}`);
    return d;
  }

  async resizeVolume(p: { volumeUuid: string; path: string; size: number; instanceName?: string | undefined }): Promise<VolumeCreated> {
    await this.gate('ResizeVolume');
    if (!(p.size > 0)) throw new Error(`Invalid volume size ${p.size}`);
    const d = this.disk(p.path, p.volumeUuid);
    if (p.instanceName !== undefined) {
      const vm = this.vm(p.instanceName);
      vm.spec.disks = vm.spec.disks.map((x) => (x.uuid === p.volumeUuid ? { ...x, size: p.size } : x));
    }
    d.size = p.size;
    return { path: p.path, size: p.size };
  }

  async migrateVolume(p: { volumeUuid: string; path: string; destPoolPath: string; instanceName?: string | undefined }): Promise<VolumeCreated> {
    await this.gate('MigrateVolume');
    const d = this.disk(p.path, p.volumeUuid);
    const vm = p.instanceName === undefined ? undefined : this.vm(p.instanceName);
    if (vm && vm.state !== 'Running') throw new Error(`VM ${p.instanceName} is not running`);
    const path = `${p.destPoolPath.replace(/\/+$/, '')}/${p.volumeUuid}`;
    this.storage.disks.set(path, { ...d, uuid: p.volumeUuid });
    if (vm) vm.spec.disks = vm.spec.disks.map((x) => (x.uuid === p.volumeUuid ? { ...x, path } : x));
    return { path, size: d.size };
  }

  /** The simulated disk has no bytes: the copy is a small descriptor naming it. */
  async copyVolume(p: { volumeUuid: string; path: string; destPath: string }): Promise<{ path: string; size: number }> {
    await this.gate('CopyVolume');
    const d = this.disk(p.path, p.volumeUuid);
    const body = `${JSON.stringify({ simulator: 'volume', uuid: p.volumeUuid, virtualSize: d.size })}\n`;
    await mkdir(dirname(p.destPath), { recursive: true });
    await writeFile(p.destPath, body, { mode: 0o600 });
    return { path: p.destPath, size: Buffer.byteLength(body) };
  }

  async volumeStats(volumeUuids?: string[]): Promise<VolumeStat[]> {
    await this.gate('GetVolumeStats');
    const attached = new Map<string, string>();
    for (const [name, v] of this.vms ?? []) for (const x of v.spec.disks) attached.set(x.uuid, name);
    const out: VolumeStat[] = [];
    for (const [path, d] of this.storage.disks) {
      if (volumeUuids && !volumeUuids.includes(d.uuid)) continue;
      const vm = attached.get(d.uuid);
      out.push({ uuid: d.uuid, path, size: d.size, ...(vm ? { instanceName: vm } : {}) });
    }
    return out;
  }

  async snapshot(p: { volumeUuid: string; path: string; snapshotUuid: string }): Promise<{ path: string }> {
    const m = await this.gate('Snapshot');
    this.reachable([p.path]);
    const path = `${p.path}.snap-${p.snapshotUuid}`;
    this.storage.takeSnapshot(p.path, path, m?.written ?? null);
    return { path };
  }

  async backupSnapshot(p: { snapshotUuid: string; primaryPath: string; storeUrl: string; installDir: string; parentPath: string | null }): Promise<SnapshotBackup> {
    await this.gate('BackupSnapshot');
    const path = `${p.installDir.replace(/\/+$/, '')}/${p.snapshotUuid}`;
    return { path, physicalSize: this.storage.backup(p.primaryPath, path, p.parentPath) };
  }

  async deleteSnapshot(path: string): Promise<void> {
    await this.gate('DeleteSnapshot');
    this.storage.delete(path);
  }

  async createVolumeFromSnapshot(p: { volumeUuid: string; poolPath: string; size: number; chain: string[] }): Promise<VolumeCreated> {
    await this.gate('CreateVolumeFromSnapshot');
    this.reachable([p.poolPath]);
    const written = this.storage.restore(p.chain);
    const created = { path: `${p.poolPath.replace(/\/+$/, '')}/${p.volumeUuid}`, size: p.size };
    this.storage.disks.set(created.path, { uuid: p.volumeUuid, size: p.size, written: Math.min(p.size, written) });
    return created;
  }

  async createTemplate(p: { templateUuid: string; storeUrl: string; installDir: string; chain?: string[] | undefined; volumePath?: string | undefined; size: number }): Promise<TemplateCreated> {
    await this.gate('CreateTemplate');
    if (!p.chain?.length && !p.volumePath) throw new Error('A template needs a snapshot chain or a volume');
    const written = p.chain?.length ? this.storage.restore(p.chain) : this.storage.written(p.volumePath!);
    return { path: `${p.installDir.replace(/\/+$/, '')}/${p.templateUuid}.qcow2`, size: p.size, physicalSize: Math.min(p.size, written) };
  }


  /**
   * Simulated use, deterministic per VM and sample so tests can predict it: each VM has a
   * steady load from its name (CPU 5–40 %, a few hundred KiB of I/O per sample) that moves a
   * little with every sample taken; traffic counts what moved since the previous sample.
   */
  async vmStats(instanceNames?: string[]): Promise<VmStats[]> {
    await this.gate('GetVmStats');
    const out: VmStats[] = [];
    this.samples++;
    for (const [name, v] of this.vms ?? []) {
      if (instanceNames ? !instanceNames.includes(name) : v.state !== 'Running') continue;
      out.push(simulatedVmStats(name, v.spec.memoryMiB, v.state === 'Running', this.samples));
    }
    return out;
  }

  /** The host's use: its running VMs' CPU (weighted by their vCPUs) and memory, plus 512 MiB for the hypervisor. */
  async hostStats(): Promise<HostStats> {
    await this.gate('GetStats');
    const info = await this.hostInfo();
    let cpuMhz = 0;
    let mem = 512 * 1024 ** 2;
    let rx = 0;
    let tx = 0;
    for (const [name, v] of this.vms ?? []) {
      if (v.state !== 'Running') continue;
      const s = simulatedVmStats(name, v.spec.memoryMiB, true, this.samples);
      cpuMhz += (s.cpuUsedPercent / 100) * v.spec.cpus * v.spec.cpuSpeed;
      mem += v.spec.memoryMiB * 1024 ** 2;
      rx += s.networkReadKiB;
      tx += s.networkWriteKiB;
    }
    const cpuUsedPercent = Math.min(100, (cpuMhz * 100) / Math.max(1, info.cpus * info.cpuSpeed));
    return { cpuUsedPercent: Math.round(cpuUsedPercent * 100) / 100, memoryUsed: Math.min(info.memory, mem), networkReadKiB: rx, networkWriteKiB: tx, cpuLoadAverage: Math.round(cpuUsedPercent) / 100 };
  }

  async applySecurityGroupRules(set: SecurityGroupRuleSet): Promise<{ version: number }> {
    await this.gate('ApplySecurityGroupRules');
    const cur = this.ruleSets?.get(set.instanceName);
    if (cur && cur.version > set.version) return { version: cur.version };
    (this.ruleSets ??= new Map()).set(set.instanceName, structuredClone(set));
    return { version: set.version };
  }

  async securityGroupRules(instanceName?: string): Promise<SecurityGroupRuleSet[]> {
    const all = [...(this.ruleSets?.values() ?? [])];
    return instanceName === undefined ? all : all.filter((r) => r.instanceName === instanceName);
  }

  async applyRouterConfig(instanceName: string, document: Record<string, unknown>): Promise<{ version: string; changed: boolean }> {
    await this.gate('ApplyRouterConfig');
    const v = this.vm(instanceName);
    if (v.state !== 'Running') throw new Error(`Router ${instanceName} is not running`);
    const version = documentVersion(document);
    const received = (v.router?.received ?? 0) + 1;
    if (v.router?.version === version) {
      v.router = { ...v.router, received, at: Date.now() };
      return { version, changed: false };
    }
    v.router = { version, document: structuredClone(document), applied: (v.router?.applied ?? 0) + 1, received, at: Date.now() };
    return { version, changed: true };
  }

  async routerNetworkStats(instanceNames: string[]): Promise<RouterTrafficCounter[]> {
    const out: RouterTrafficCounter[] = [];
    for (const name of instanceNames) {
      const v = this.vms?.get(name);
      if (v?.state !== 'Running') continue;
      const m = await this.gate('GetRouterNetworkStats');
      const { counter, report } = sampleTraffic(name, v.traffic, m?.traffic ?? defaultTraffic(v.router?.document));
      v.traffic = counter;
      out.push(report);
    }
    return out;
  }

  async consoleAddress(instanceName: string): Promise<{ host: string; port: number }> {
    await this.gate('ConsoleAddress');
    const v = this.vm(instanceName);
    if (v.state !== 'Running') throw new Error(`VM ${instanceName} is not running`);
    v.console ??= startRfbServer(instanceName);
    return { host: '127.0.0.1', port: (await v.console).port };
  }

  /** What the simulated hypervisor holds: specs (with NICs), states and applied router documents. */
  query(instanceName?: string): { vms: Array<{ instanceName: string; state: string; spec: MigratingVm; router?: SimVm['router'] }> } {
    const out = [];
    for (const [name, v] of this.vms ?? []) {
      if (instanceName !== undefined && name !== instanceName) continue;
      out.push({ instanceName: name, state: v.state, spec: v.spec, ...(v.router ? { router: v.router } : {}) });
    }
    return { vms: out };
  }

  async vmStates(): Promise<VmState[]> {
    const out: VmState[] = [];
    for (const [name, v] of this.vms ?? []) out.push(v.spec.isoPath ? { instanceName: name, state: v.state, isoPath: v.spec.isoPath } : { instanceName: name, state: v.state });
    return out;
  }
}

/** A VM's simulated statistics for one sample (see `vmStats`). */
export function simulatedVmStats(name: string, memoryMiB: number, running: boolean, sample: number): VmStats {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  const wobble = sample % 5;
  const io = running ? 1 : 0;
  return {
    instanceName: name, cpuUsedPercent: running ? 5 + (h % 31) + wobble : 0, memoryKiB: memoryMiB * 1024,
    memoryIntFreeKiB: running ? Math.floor(memoryMiB * 1024 * (0.3 + (h % 40) / 100)) : 0, memoryTargetKiB: memoryMiB * 1024,
    networkReadKiB: io * (100 + (h % 400) + wobble * 10), networkWriteKiB: io * (50 + (h % 200) + wobble * 5),
    diskReadKiB: io * (200 + (h % 800) + wobble * 20), diskWriteKiB: io * (100 + (h % 300) + wobble * 10),
    diskReadIOs: io * (10 + (h % 90) + wobble), diskWriteIOs: io * (5 + (h % 45) + wobble),
  };
}

function closeConsole(v: SimVm): void {
  const c = v.console;
  delete v.console;
  void c?.then((s) => s.close(), () => undefined);
}
