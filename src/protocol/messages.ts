/**
 * The agent <-> management server protocol: one discriminated union per direction, framed
 * as one JSON object per WebSocket text message. Commands carry a sequence number; the
 * answer with the same `seq` completes them. Nothing here imports db/services/api.
 */

/** What a host reports about itself on connect (the seed: "automatically detects CPU and memory"). */
export interface HostInfo {
  name: string;
  hypervisorType: string;
  hypervisorVersion: string;
  cpuSockets: number;
  /** Cores. */
  cpus: number;
  /** MHz per core. */
  cpuSpeed: number;
  /** Bytes. */
  memory: number;
  /** Bytes of local storage. */
  localStorage: number;
  privateIp: string;
  arch: string;
}

/** A host's current use (CloudStack's HostStatsEntry), answered with its VMs' by `GetStats`. */
export interface HostStats {
  /** Percent of the host's CPU capacity in use. */
  cpuUsedPercent: number;
  /** Bytes. */
  memoryUsed: number;
  /** KiB received / sent since the previous sample. */
  networkReadKiB: number;
  networkWriteKiB: number;
  /** One-minute load average divided by the number of cores, when known. */
  cpuLoadAverage?: number;
}

export type PowerState = 'Running' | 'Stopped';

export interface VmState {
  instanceName: string;
  state: PowerState;
  /** The ISO in the VM's CD-ROM, when the driver reports it (the simulator does). */
  isoPath?: string;
}

export interface DiskSpec {
  uuid: string;
  path: string | null;
  type: string;
  deviceId: number | null;
  size?: number;
}

/** One allow rule of a VM's security-group rule set, addresses already expanded to CIDRs. */
export interface SecurityRuleSpec {
  /** tcp | udp | icmp | all | an IP protocol number */
  protocol: string;
  startPort: number | null;
  endPort: number | null;
  icmpType: number | null;
  icmpCode: number | null;
  /** Peers allowed: the rule's CIDRs plus /32s of the member VMs of the groups it names. */
  cidrs: string[];
}

/**
 * Everything a host needs to filter one VM's traffic (CloudStack's SecurityGroupRulesCmd):
 * ingress is refused except what `ingress` allows; egress is open while the VM's groups have
 * no egress rule (`egressDefaultAllow`), otherwise only `egress` is allowed. `version` grows
 * with every push, so a host ignores a set older than the one it applied.
 */
export interface SecurityGroupRuleSet {
  instanceName: string;
  vmUuid: string;
  /** The guest address and MAC the rules protect (anti-spoofing). */
  ip: string | null;
  mac: string | null;
  version: number;
  ingress: SecurityRuleSpec[];
  egress: SecurityRuleSpec[];
  egressDefaultAllow: boolean;
}

/** A guest or system NIC as the hypervisor plugs it (bridge/VLAN from broadcastUri). */
export interface NicSpec {
  uuid: string;
  deviceId: number;
  mac: string;
  ip: string | null;
  netmask: string | null;
  gateway: string | null;
  isDefault: boolean;
  /** Guest | Control | Public */
  trafficType: string;
  /** vlan://<id>, or null for untagged/link-local. */
  broadcastUri: string | null;
  networkUuid?: string | null;
  networkDomain?: string | null;
}

/** Commands the server sends to a host (the VM area's `services.agents.send` contract). */
export type AgentCommand =
  | { type: 'StartVm'; instanceName: string; vmUuid?: string; cpus: number; cpuSpeed: number; memoryMiB: number; disks: DiskSpec[]; isoPath?: string; nics?: NicSpec[]; userData?: string }
  | { type: 'StopVm'; instanceName: string; force?: boolean }
  | { type: 'RebootVm'; instanceName: string }
  /**
   * HA investigation: asked of a peer in the cluster about a host the server lost. The answer's
   * `alive` is true (the peer still sees it), false (it does not) or null (cannot tell). With
   * `heartbeatPaths` the peer reads the host's heartbeats on those shared pools: one younger
   * than `windowMs` means alive.
   */
  | { type: 'CheckHost'; hostUuid: string; privateIp: string | null; heartbeatPaths?: string[]; windowMs?: number }
  | { type: 'DestroyVm'; instanceName: string }
  /** Sent to the source host; the answer carries the VM so the server can hand it to the destination. */
  | {
    type: 'MigrateVm'; instanceName: string; destinationHostId?: number; target?: { host: string; port: number };
    /** Server side only: the source's GetVmSpec answer when the server already has it (null: no live migration). */
    spec?: MigratingVm | null;
  }
  /** Live migration, step 1 on the source: the running VM's spec (`{ vm: null }` when its driver moves no memory). */
  | { type: 'GetVmSpec'; instanceName: string }
  /** Live migration, step 2 on the destination: a paused copy listens; answers `{ target: { host, port } }`. */
  | { type: 'PrepareMigration'; vm: MigratingVm }
  /** A failed live migration: the destination drops its paused copy. */
  | { type: 'AbortMigration'; instanceName: string }
  /** The VNC port of a running VM on its host's loopback: `{ host: '127.0.0.1', port }` (port null when it does not run there). */
  | { type: 'GetVncPort'; instanceName: string }
  /**
   * The destination takes the VM: after an offline migration with the source's answer; with
   * `live`, sent while the memory moves and answered once the prepared copy runs (never a new boot).
   */
  | { type: 'ReceiveVm'; vm: MigratingVm; live?: boolean }
  | { type: 'AttachIso'; instanceName: string; isoPath?: string }
  | { type: 'DetachIso'; instanceName: string }
  | { type: 'AttachVolume'; instanceName: string; disk: DiskSpec }
  | { type: 'DetachVolume'; instanceName: string; volumeUuid: string }
  | { type: 'CreateVolume'; volumeUuid: string; name?: string; poolUuid?: string; poolPath: string; size: number; templatePath?: string }
  | { type: 'DeleteVolume'; volumeUuid: string; path?: string | null }
  /** Grows or shrinks a disk; `instanceName` when it is attached to a running VM (online resize). */
  | { type: 'ResizeVolume'; volumeUuid: string; path: string; size: number; instanceName?: string }
  /** Copies a disk to another pool; `instanceName` when its VM runs (live: the VM switches to the copy). */
  | { type: 'MigrateVolume'; volumeUuid: string; path: string; destPoolPath: string; instanceName?: string }
  /** Writes a copy of a disk to a file (extractVolume's copy on secondary storage). */
  | { type: 'CopyVolume'; volumeUuid: string; path: string; destPath: string }
  | { type: 'GetVolumeStats'; volumeUuids?: string[] }
  /** Takes a point-in-time copy of the volume on its primary storage; answers `{ path }`. */
  | { type: 'Snapshot'; volumeUuid: string; path: string; snapshotUuid: string }
  /**
   * Copies a snapshot from primary to secondary storage under `installDir` of the store at
   * `storeUrl`: the whole disk when `parentPath` is null, else only what changed since that
   * backup. Answers `{ path, physicalSize }`.
   */
  | { type: 'BackupSnapshot'; snapshotUuid: string; primaryPath: string; storeUrl: string; installDir: string; parentPath: string | null }
  /** Removes a snapshot copy (on primary or secondary storage); absent copies are fine. */
  | { type: 'DeleteSnapshot'; path: string }
  /** A new volume in the pool restored from a backup chain (full first, the wanted snapshot last). */
  | { type: 'CreateVolumeFromSnapshot'; volumeUuid: string; poolPath: string; size: number; chain: string[] }
  /** A template on secondary storage made from a backup chain or from a (stopped) volume; answers `{ path, size, physicalSize }`. */
  | { type: 'CreateTemplate'; templateUuid: string; storeUrl: string; installDir: string; chain?: string[]; volumePath?: string; size: number }
  | { type: 'GetVmStats'; instanceNames?: string[] }
  /** The monitoring collector's one round trip per host: `{ host: HostStats, vms: VmStats[] }` (running VMs). */
  | { type: 'GetStats' }
  | { type: 'GetVmStates' }
  | { type: 'GetHostInfo' }
  /** Replaces the VM's security-group rule set; answers `{ version }` of the set in force. */
  | { type: 'ApplySecurityGroupRules'; ruleSet: SecurityGroupRuleSet }
  /** The rule sets in force on the host (one VM's when named): `{ ruleSets }`. */
  | { type: 'GetSecurityGroupRules'; instanceName?: string }
  /** The whole declarative configuration of a router VM running on the host; the answer carries the applied `version`. */
  | { type: 'ApplyRouterConfig'; instanceName: string; document: Record<string, unknown> }
  /**
   * The cumulative byte counters of the named routers' public interfaces (CloudStack's
   * NetworkUsageCommand); answers `{ counters: RouterTrafficCounter[] }`, routers not running here left out.
   */
  | { type: 'GetRouterNetworkStats'; instanceNames: string[] }
  /**
   * Opens a VM's console: the agent connects to the VM's VNC server on the host's loopback
   * (`HypervisorDriver.consoleAddress`) and dials back to the agent port at `/console` with
   * `channel` (a one-time secret) in the `x-nimbo-console-channel` header; the server then
   * relays that WebSocket's binary frames to and from the viewer. Answers once both ends are open.
   * `dialBack` (`ws(s)://host:port` of another server's agent port) is set when the viewer's
   * console proxy runs on a farm server other than the one this agent is connected to.
   */
  | { type: 'OpenConsole'; instanceName: string; channel: string; dialBack?: string }
  | { type: 'ConfigureSimulator'; mocks: SimulatorMock[] }
  /** Simulator hosts only: what the simulated hypervisor holds (VM specs with NICs, applied router documents), for tests. */
  | { type: 'QuerySimulator'; instanceName?: string }
  | { type: 'CleanupSimulator'; ids?: number[] };

export type AgentCommandType = AgentCommand['type'];
export const AGENT_COMMAND_TYPES: readonly AgentCommandType[] = [
  'StartVm', 'StopVm', 'RebootVm', 'DestroyVm', 'MigrateVm', 'GetVmSpec', 'PrepareMigration', 'AbortMigration', 'GetVncPort', 'ReceiveVm', 'AttachIso', 'DetachIso', 'AttachVolume', 'DetachVolume',
  'CreateVolume', 'DeleteVolume', 'ResizeVolume', 'MigrateVolume', 'CopyVolume', 'GetVolumeStats', 'Snapshot', 'BackupSnapshot', 'DeleteSnapshot',
  'CreateVolumeFromSnapshot', 'CreateTemplate', 'GetVmStats', 'GetStats', 'GetVmStates', 'GetHostInfo', 'ApplySecurityGroupRules', 'GetSecurityGroupRules',
  'ApplyRouterConfig', 'GetRouterNetworkStats', 'OpenConsole', 'ConfigureSimulator', 'QuerySimulator', 'CleanupSimulator',
];

export interface MigratingVm {
  instanceName: string;
  cpus: number;
  cpuSpeed: number;
  memoryMiB: number;
  disks: DiskSpec[];
  isoPath: string | null;
  nics?: NicSpec[];
}

/**
 * A router's traffic counters since it booted: bytes its public interface sent and received.
 * `bootId` changes whenever the counters start again from zero (router start, reboot), so the
 * server never mistakes a restarted counter for the old one.
 */
export interface RouterTrafficCounter {
  instanceName: string;
  bootId: string;
  sent: number;
  received: number;
}

/** A fault-injection rule (CloudStack's mock configuration), already scoped to one host. */
export interface SimulatorMock {
  id: number;
  /** Agent command type (`StartVm`) or CloudStack command class (`StartCommand`), or `PingCommand`. */
  name: string;
  /** `result:fail`, `result:fault`, `wait:<ms>`, `rate:<0..1>`, `enabled:false`, joined with `|`. */
  value: string;
  /** Uses left; null = unlimited. */
  count: number | null;
}

/** A primary pool the host uses, as the welcome names it: the host checks it and reports its state in each ping. */
export interface PrimaryPoolRef {
  uuid: string;
  /** The pool's directory on the host (file:// and shared mount point pools). */
  path: string;
}

/** A primary pool's state as a host sees it: `ok` false means it cannot reach the pool (`reason` says why). */
export interface PoolHealth {
  uuid: string;
  ok: boolean;
  reason?: string;
}

/** Answer payload: `result: false` plus `details` is a failed operation. */
export type AnswerBody = { result: true } & Record<string, unknown> | { result: false; details: string };

export type AgentToServer =
  /** First message: either a registration token (new host) or a host uuid and its secret. */
  | { t: 'hello'; token?: string; hostUuid?: string; secret?: string; info: HostInfo; vms: VmState[]; version: string }
  /** `pools`: the state of each primary pool the welcome named (absent when it named none). */
  | { t: 'ping'; vms: VmState[]; pools?: PoolHealth[] }
  | { t: 'answer'; seq: number; body: AnswerBody }
  /** How far a long command has come, 0-100 (a live migration: the memory sent); the server relays it to the job. */
  | { t: 'progress'; seq: number; percent: number };

export type ServerToAgent =
  /**
   * `secret` is sent once, when the host is new or its token was used. `heartbeat`: the shared
   * primary storage directories the host writes its heartbeat to (src/agent/heartbeat.ts).
   * `pools`: the primary pools whose reachability the host reports (src/agent/pool-health.ts).
   */
  | { t: 'welcome'; hostId: number; hostUuid: string; secret?: string; pingIntervalMs: number; heartbeat?: { paths: string[]; intervalMs: number }; pools?: PrimaryPoolRef[] }
  | { t: 'refused'; reason: string }
  | { t: 'command'; seq: number; timeoutMs: number; cmd: AgentCommand }
  | { t: 'error'; reason: string };

export const PROTOCOL_VERSION = '1';

/** The header carrying an OpenConsole channel secret on the agent's console WebSocket. */
export const CONSOLE_CHANNEL_HEADER = 'x-nimbo-console-channel';
/** The agent port path of console WebSockets (everything else there is an agent session). */
export const CONSOLE_CHANNEL_PATH = '/console';

/** Parses one frame; returns undefined for anything that is not a well-formed message. */
export function decode<T extends { t: string }>(data: unknown): T | undefined {
  try {
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && typeof (v as { t?: unknown }).t === 'string') return v as T;
  } catch {
    /* malformed frame */
  }
  return undefined;
}

export function encode(m: AgentToServer | ServerToAgent): string {
  return JSON.stringify(m);
}

/** Exponential backoff with jitter for reconnects: 0.5 s, 1 s, 2 s … capped at `maxMs`. */
export function backoffMs(attempt: number, maxMs = 30_000): number {
  const base = Math.min(maxMs, 500 * 2 ** Math.min(attempt, 16));
  return Math.round(base / 2 + Math.random() * (base / 2));
}
