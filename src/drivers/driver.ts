/**
 * The one narrow interface between the agent and a hypervisor (STYLE §8). A driver knows
 * nothing of the database, services or API; the agent turns protocol commands into these
 * calls. Every method either fulfils its postcondition or throws an Error whose message is
 * returned to the server as the answer's `details`.
 */
import type { DiskSpec, HostInfo, HostStats, MigratingVm, NicSpec, RouterTrafficCounter, SecurityGroupRuleSet, VmState } from '../protocol/messages.js';

export interface StartSpec {
  instanceName: string;
  cpus: number;
  cpuSpeed: number;
  memoryMiB: number;
  disks: DiskSpec[];
  isoPath?: string | undefined;
  nics?: NicSpec[] | undefined;
}

/**
 * One VM's statistics as CloudStack's VmStatsEntry: CPU use in percent of the VM's vCPUs, and
 * KiB / I/O operations moved since the previous sample (what KVM's getVmStat reports).
 * The optional fields are reported by drivers that can see them.
 */
export interface VmStats {
  instanceName: string;
  cpuUsedPercent: number;
  memoryKiB: number;
  diskReadKiB: number;
  diskWriteKiB: number;
  networkReadKiB: number;
  networkWriteKiB: number;
  diskReadIOs?: number;
  diskWriteIOs?: number;
  /** Memory the guest reports free (balloon driver), KiB. */
  memoryIntFreeKiB?: number;
  /** The balloon target, KiB. */
  memoryTargetKiB?: number;
}

export interface VolumeCreated {
  path: string;
  /** Virtual size in bytes. */
  size: number;
}

export interface VolumeStat {
  uuid: string;
  path: string;
  /** Virtual size in bytes. */
  size: number;
  /** The VM of this host the disk is attached to, if any. */
  instanceName?: string;
}

export interface SnapshotBackup {
  path: string;
  /** Bytes stored for this backup alone. */
  physicalSize: number;
}

export interface TemplateCreated {
  path: string;
  /** Virtual size in bytes. */
  size: number;
  physicalSize: number;
}

/** Where the destination of a live migration listens for the guest's memory. */
export interface MigrationTarget {
  host: string;
  port: number;
}

export interface HypervisorDriver {
  /** Post: the host's current capacity and identity; never changes VM state. */
  hostInfo(): Promise<HostInfo>;
  /** Post: the VM runs with this spec; starting a running VM of the same name is a no-op. */
  startVm(spec: StartSpec): Promise<void>;
  /** Post: the VM is stopped (not running); `force` pulls the plug; stopping a stopped or unknown VM succeeds. */
  stopVm(instanceName: string, force: boolean): Promise<void>;
  /** Post: the VM is running again; throws if it was not running. */
  rebootVm(instanceName: string): Promise<void>;
  /** Post: the hypervisor knows nothing of the VM (disks are kept); idempotent. */
  destroyVm(instanceName: string): Promise<void>;
  /**
   * Post: the VM no longer runs here; returns what the destination needs. Throws if not running.
   * With `target` (live migration) the running guest's memory went to the destination prepared by
   * `prepareMigrateIn`; on failure the VM still runs here and the error is thrown. `onProgress`
   * hears how much of it went (0-100, never decreasing, 100 last when it succeeds).
   */
  migrateOut(instanceName: string, target?: MigrationTarget, onProgress?: (percent: number) => void): Promise<MigratingVm>;
  /**
   * Post: the VM runs here with the migrated spec (after a live migration: the received guest runs
   * on). With `live` it may be called while the memory is still arriving: it waits for the guest
   * prepared by `prepareMigrateIn` to run and throws if that copy is gone, never booting another.
   */
  migrateIn(vm: MigratingVm, live?: boolean): Promise<void>;
  /**
   * Live migration, for drivers that move a running guest (absent: the agent moves the spec only).
   * `vmSpec`: the running VM's spec (it keeps running). `prepareMigrateIn`: a paused copy waits here
   * for the memory at the returned target. `abortMigrateIn`: that copy is gone (idempotent).
   */
  vmSpec?(instanceName: string): Promise<MigratingVm>;
  prepareMigrateIn?(vm: MigratingVm): Promise<MigrationTarget>;
  abortMigrateIn?(instanceName: string): Promise<void>;
  /**
   * Whether a failed `startVm` failed because another process still holds the VM's disks (an
   * old copy on a host being fenced: the agent then retries for a while, src/agent/self-fence.ts).
   */
  disksHeldElsewhere?(err: unknown): boolean;
  /**
   * Post: the TCP port of the running VM's VNC server, which listens on 127.0.0.1 of its host
   * only (the console proxy reaches it through the host); null when the VM does not run here.
   * Absent for drivers without a console (the simulator).
   */
  vncPort?(instanceName: string): Promise<number | null>;
  /** Post: the disk is attached to the running or stopped VM; throws for an unknown VM. */
  attachVolume(instanceName: string, disk: DiskSpec): Promise<void>;
  /** Post: the disk is no longer attached; detaching an absent disk succeeds. */
  detachVolume(instanceName: string, volumeUuid: string): Promise<void>;
  /** Post: the VM's CD-ROM holds `isoPath` (or is empty for detach); throws for an unknown VM. */
  attachIso(instanceName: string, isoPath: string | null): Promise<void>;
  /**
   * Post: a volume exists at the returned path inside `poolPath`: a thin clone of
   * `templatePath` when given (size at least the template's), else blank of `size` bytes.
   */
  createVolume(p: { volumeUuid: string; poolPath: string; size: number; templatePath?: string | undefined }): Promise<VolumeCreated>;
  /** Post: the volume is gone; deleting an absent volume succeeds. */
  deleteVolume(volumeUuid: string, path: string | null): Promise<void>;
  /**
   * Post: the volume's virtual size is `size`; with `instanceName` the running VM sees the new
   * size at once (online resize); throws for a volume that does not exist.
   */
  resizeVolume(p: { volumeUuid: string; path: string; size: number; instanceName?: string | undefined }): Promise<VolumeCreated>;
  /**
   * Post: a copy of the volume exists in `destPoolPath` (returned); the source is kept for the
   * server to delete. With `instanceName` the running VM uses the copy from now on (live).
   */
  migrateVolume(p: { volumeUuid: string; path: string; destPoolPath: string; instanceName?: string | undefined }): Promise<VolumeCreated>;
  /** Post: the file `destPath` holds a copy of the volume's content (for extraction). */
  copyVolume(p: { volumeUuid: string; path: string; destPath: string }): Promise<{ path: string; size: number }>;
  /** Post: the volumes the host's storage holds (all, or those named), with path and virtual size. */
  volumeStats(volumeUuids?: string[]): Promise<VolumeStat[]>;
  /** Post: a point-in-time copy of the volume exists on its primary storage at the returned path. */
  snapshot(p: { volumeUuid: string; path: string; snapshotUuid: string }): Promise<{ path: string }>;
  /**
   * Post: the primary copy is stored under `installDir` on secondary storage: whole when
   * `parentPath` is null, else only the blocks changed since that backup (incremental);
   * `physicalSize` is the bytes stored. Throws when the parent backup is gone.
   */
  backupSnapshot(p: { snapshotUuid: string; primaryPath: string; storeUrl: string; installDir: string; parentPath: string | null }): Promise<SnapshotBackup>;
  /** Post: the snapshot copy at `path` (primary or secondary) is gone; deleting an absent copy succeeds. */
  deleteSnapshot(path: string): Promise<void>;
  /** Post: a volume in `poolPath` holds the disk as of the chain's last backup (full first). Throws if a link is missing. */
  createVolumeFromSnapshot(p: { volumeUuid: string; poolPath: string; size: number; chain: string[] }): Promise<VolumeCreated>;
  /** Post: a template image under `installDir` made from a backup chain or from a volume's disk. */
  createTemplate(p: { templateUuid: string; storeUrl: string; installDir: string; chain?: string[] | undefined; volumePath?: string | undefined; size: number }): Promise<TemplateCreated>;
  /**
   * Post: the host's current use (CPU, memory, network). Optional: without it the agent sums
   * the VMs' statistics against the host's capacity.
   */
  hostStats?(): Promise<HostStats>;
  /** Post: statistics of the named (or all running) VMs; unknown names are skipped. */
  vmStats(instanceNames?: string[]): Promise<VmStats[]>;
  /**
   * Post: the running router VM applies exactly this declarative document (addresses, NAT,
   * firewall, LB, DHCP, metadata); applying the same document again changes nothing. Returns
   * the applied version (sha256 of the document's canonical JSON). Throws if the VM is not running here.
   */
  applyRouterConfig(instanceName: string, document: Record<string, unknown>): Promise<{ version: string; changed: boolean }>;
  /**
   * Post: the traffic counters of the named routers running here (others are left out).
   * Optional: a host whose driver cannot count router traffic reports no network usage.
   */
  routerNetworkStats?(instanceNames: string[]): Promise<RouterTrafficCounter[]>;
  /** Post: the power state of every VM the hypervisor knows (heartbeats carry this). */
  vmStates(): Promise<VmState[]>;
  /**
   * Told before each heartbeat which primary pool directories the host cannot reach now (empty:
   * all are back). Post: no guest with a disk in a lost pool is running (a real hypervisor sees
   * such guests die with their disks; the simulator stops them), and nothing is started or
   * created there until the pool is back. Optional: a real hypervisor's guests fail by themselves.
   */
  poolsUnreachable?(lost: string[]): Promise<void>;
  /**
   * Post: the VM's traffic is filtered by exactly `set` (it may arrive before the VM starts
   * and survives stop/start); a set with a lower `version` than the one in force is ignored.
   * Returns the version in force. Destroying the VM drops its set.
   */
  applySecurityGroupRules(set: SecurityGroupRuleSet): Promise<{ version: number }>;
  /** Post: the rule sets in force (the named VM's only when given; none for an unknown VM). */
  securityGroupRules(instanceName?: string): Promise<SecurityGroupRuleSet[]>;
  /**
   * Post: an RFB (VNC) server showing the running VM's display listens at the returned address,
   * which is on this host's loopback (`127.0.0.1`), never on another interface, and needs no
   * VNC password (the agent is the only client: it opens a TCP stream to it for a console
   * session and relays the bytes to the management server's console proxy). The address is
   * stable while the VM runs; calling it again is cheap. Throws for a VM that is unknown or not
   * running here. QEMU: the `-vnc 127.0.0.1:<display>` the guest was started with (port
   * 5900 + display, or QMP `query-vnc`); the simulator starts a test-pattern server on demand.
   * Optional until every driver has it: a driver without it answers OpenConsole with an error.
   */
  consoleAddress?(instanceName: string): Promise<{ host: string; port: number }>;
}
