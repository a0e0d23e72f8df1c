/**
 * `nimbo agent`: one process, one WebSocket connection per (simulated) host. Each
 * connection says hello (token or stored secret), heartbeats at the interval the server
 * gives, dispatches commands to its driver and reconnects with backoff.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { HypervisorDriver } from '../drivers/driver.js';
import { SimulatorDriver } from '../drivers/simulator/simulator-driver.js';
import { QemuDriver } from '../drivers/qemu/qemu-driver.js';
import { LinuxRouters } from '../network/linux/linux-router.js';
import { withNamespaceRouters } from '../network/linux/router-driver.js';
import { backoffMs, decode, encode, PROTOCOL_VERSION, type AgentToServer, type PrimaryPoolRef, type ServerToAgent } from '../protocol/messages.js';
import { dispatch } from './dispatch.js';
import { openConsoleRelay } from './console-relay.js';
import { IdentityStore } from './identity-store.js';
import { HeartbeatWriter } from './heartbeat.js';
import { poolHealth } from './pool-health.js';
import { ClaimLedger } from './claims.js';
import { fenceWaitMs, SelfFence } from './self-fence.js';

export interface AgentOptions {
  /** host:port (or a URL), or several separated by commas: the management servers of a farm. */
  server: string;
  driver: 'simulator' | 'qemu';
  hosts: number;
  token?: string | undefined;
  dataDir: string;
  cpus?: number | undefined;
  cpuSpeed?: number | undefined;
  memory?: number | undefined;
  namePrefix?: string | undefined;
  /**
   * Write heartbeats to the shared pools the server names, and check that every pool directory
   * is reachable. Always on for real drivers; for the simulator only when asked (thousands of
   * simulated hosts need not touch a disk; its `StoragePoolOutage` mock works either way).
   */
  poolHeartbeat?: boolean | undefined;
  /** PEM of the CA (or self-signed certificate) that the server's TLS certificate must chain to. */
  ca?: string | undefined;
  log?: (msg: string) => void;
}

export class HostConnection {
  private ws: WebSocket | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private readonly heartbeat = new HeartbeatWriter();
  /** The primary pools whose state each heartbeat reports (from the welcome). */
  private pools: PrimaryPoolRef[] = [];
  private closed = false;
  hostUuid: string | undefined;
  up = false;
  /** Which of the servers this host talks to; hosts start spread over them. */
  private serverIdx: number;
  /** Claims and self-fencing on the shared pools (hosts that write heartbeats only). */
  private readonly fence: SelfFence | undefined;
  private fenceWait = fenceWaitMs(60_000);

  constructor(
    private readonly index: number, private readonly driver: HypervisorDriver, private readonly o: AgentOptions,
    private readonly store: IdentityStore, private readonly onRefused: (reason: string) => void,
    private readonly ledger?: ClaimLedger,
  ) {
    this.serverIdx = index % servers(o.server).length;
    if (ledger) {
      this.fence = new SelfFence(driver, ledger, { hostUuid: () => this.store.get(this.index)?.hostUuid, cutOff: () => !this.up, log: (m) => o.log?.(`host ${index}: ${m}`) });
      // An agent restarted while cut off still fences, with the pools it last heard of.
      if (ledger.pools.length) this.fence.start(5_000);
    }
  }

  /** The server this host is (or will next be) connected to. */
  get server(): string {
    const all = servers(this.o.server);
    return all[this.serverIdx % all.length]!;
  }

  /**
   * The WebSocket URL of the server in use (console relays dial back to this same server). A CA
   * means the server speaks TLS; plain host:port then defaults to wss://.
   */
  private get url(): string {
    const server = this.server;
    return server.includes('://') ? server : `${this.o.ca ? 'wss' : 'ws'}://${server}`;
  }

  connect(): void {
    if (this.closed) return;
    const url = this.url;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000, ...(this.o.ca ? { ca: this.o.ca } : {}) });
    this.ws = ws;
    ws.on('open', () => void this.hello(ws));
    ws.on('message', (data) => void this.onMessage(ws, data));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.up = false;
      if (this.pingTimer) clearInterval(this.pingTimer);
      // Keeps writing while the agent runs: a host cut off from the server is still alive, and
      // its peers must see that on the shared storage. It stops with the process or close().
      if (this.closed) return;
      // Its server died or dropped it: try the next one of the farm (after a short backoff).
      this.serverIdx = (this.serverIdx + 1) % servers(this.o.server).length;
      setTimeout(() => this.connect(), backoffMs(this.attempt++));
    });
  }

  close(): void {
    this.closed = true;
    this.heartbeat.stop();
    this.fence?.stop();
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.ws?.terminate();
  }

  private send(ws: WebSocket, m: AgentToServer): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(encode(m));
  }

  private async hello(ws: WebSocket): Promise<void> {
    const id = this.store.get(this.index);
    const info = await this.driver.hostInfo();
    const vms = await this.driver.vmStates();
    this.send(ws, id ? { t: 'hello', hostUuid: id.hostUuid, secret: id.secret, info, vms, version: PROTOCOL_VERSION }
      : { t: 'hello', ...(this.o.token ? { token: this.o.token } : {}), info, vms, version: PROTOCOL_VERSION });
  }

  private async onMessage(ws: WebSocket, data: WebSocket.RawData): Promise<void> {
    const m = decode<ServerToAgent>(data);
    if (!m) return;
    switch (m.t) {
      case 'welcome':
        this.attempt = 0;
        this.up = true;
        this.hostUuid = m.hostUuid;
        this.pools = m.pools ?? [];
        if (m.secret) await this.store.set(this.index, { hostUuid: m.hostUuid, secret: m.secret });
        if (this.pingTimer) clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => void this.ping(ws), m.pingIntervalMs);
        if (m.heartbeat && (this.o.driver !== 'simulator' || this.o.poolHeartbeat)) this.heartbeat.start(m.heartbeat.paths, m.hostUuid, m.heartbeat.intervalMs);
        if (this.fence && this.ledger) {
          await this.ledger.setPools(m.heartbeat?.paths ?? []);
          this.fence.start(m.heartbeat?.intervalMs ?? m.pingIntervalMs);
          this.fenceWait = fenceWaitMs(m.heartbeat?.intervalMs ?? m.pingIntervalMs);
        }
        return;
      case 'refused':
        this.closed = true;
        this.heartbeat.stop();
        this.fence?.stop();
        this.onRefused(m.reason);
        ws.close();
        return;
      case 'command': {
        const body = await dispatch(this.driver, m.cmd, {
          // A farm server whose console proxy serves the viewer may be another than ours (dialBack).
          openConsole: (channel, address, dialBack) => openConsoleRelay({ serverUrl: dialBack ?? this.url, ca: this.o.ca, channel, address }),
          progress: (percent) => this.send(ws, { t: 'progress', seq: m.seq, percent }),
          ...(this.fence ? { claim: (name: string) => this.fence!.claim(name), stageClaim: (name: string) => this.fence!.stage(name), release: (name: string) => this.fence!.release(name), fenceWaitMs: this.fenceWait } : {}),
        });
        this.send(ws, { t: 'answer', seq: m.seq, body });
        return;
      }
      case 'error':
        this.o.log?.(`server error: ${m.reason}`);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  private async ping(ws: WebSocket): Promise<void> {
    if (this.driver instanceof SimulatorDriver && this.driver.pingSuppressed()) return;
    // Pools first: guests on a lost pool stop, and this same heartbeat reports both.
    const pools = this.pools.length ? await poolHealth(this.driver, this.pools, this.o.driver !== 'simulator' || this.o.poolHeartbeat === true) : undefined;
    this.send(ws, { t: 'ping', vms: await this.driver.vmStates(), ...(pools ? { pools } : {}) });
  }
}

function servers(list: string): string[] {
  const all = list.split(',').map((x) => x.trim()).filter(Boolean);
  return all.length ? all : [list];
}

export function makeDriver(o: AgentOptions, index: number): HypervisorDriver {
  if (o.driver === 'qemu') return withNamespaceRouters(makeQemuDriver(o, index), makeRouters(o, index));
  const prefix = o.namePrefix ?? `sim-${process.pid}`;
  return new SimulatorDriver({
    name: `${prefix}-${index}`, privateIp: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
    ...(process.env['NIMBO_SIM_MIGRATION_ADDRESS'] ? { migrationAddress: process.env['NIMBO_SIM_MIGRATION_ADDRESS'] } : {}),
    ...(o.cpus ? { cpus: o.cpus } : {}), ...(o.cpuSpeed ? { cpuSpeed: o.cpuSpeed } : {}), ...(o.memory ? { memory: o.memory } : {}),
  });
}

/**
 * A real host: guests' state under `<data-dir>/qemu/<index>`, so an agent restarted on the same
 * data dir re-adopts its running guests. Tunables from the environment (docs/agents.md).
 */
function makeQemuDriver(o: AgentOptions, index: number): QemuDriver {
  const env = process.env;
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const accel = env['NIMBO_QEMU_ACCEL'];
  return new QemuDriver({
    name: `${o.namePrefix ?? hostname()}-${index}`, stateDir: join(o.dataDir, 'qemu', String(index)),
    ...(accel === 'kvm' || accel === 'tcg' ? { accel } : {}),
    ...(num(env['NIMBO_QEMU_TB_SIZE']) ? { tbSizeMiB: num(env['NIMBO_QEMU_TB_SIZE'])! } : {}),
    ...(num(env['NIMBO_QEMU_STOP_TIMEOUT_MS']) ? { stopTimeoutMs: num(env['NIMBO_QEMU_STOP_TIMEOUT_MS'])! } : {}),
    ...(env['NIMBO_QEMU_MIGRATION_ADDRESS'] ? { migrationAddress: env['NIMBO_QEMU_MIGRATION_ADDRESS'] } : {}),
    // Guests' legs are the routers' legs: the same host interface and host namespace.
    guestInterface: env['NIMBO_ROUTER_GUEST_INTERFACE'] || undefined, hostNetns: env['NIMBO_ROUTER_HOST_NETNS'] || undefined,
    ...(o.cpus ? { cpus: o.cpus } : {}), ...(o.cpuSpeed ? { cpuSpeed: o.cpuSpeed } : {}), ...(o.memory ? { memory: o.memory } : {}),
  });
}

/**
 * The host's virtual routers: network namespaces under `<data-dir>/routers/<index>`; the host
 * interfaces for tagged guest/public VLANs and an operator's public bridge from the
 * environment (docs/agents.md).
 */
function makeRouters(o: AgentOptions, index: number): LinuxRouters {
  const env = process.env;
  return new LinuxRouters({
    stateDir: join(o.dataDir, 'routers', String(index)), guestInterface: env['NIMBO_ROUTER_GUEST_INTERFACE'] || undefined,
    publicInterface: env['NIMBO_ROUTER_PUBLIC_INTERFACE'] || undefined, publicBridge: env['NIMBO_ROUTER_PUBLIC_BRIDGE'] || undefined,
    hostNetns: env['NIMBO_ROUTER_HOST_NETNS'] || undefined,
  });
}

/** Starts every host connection; resolves with a handle to stop them. */
export async function runAgent(o: AgentOptions): Promise<{ connections: HostConnection[]; stop(): void; refused: Promise<string> }> {
  const store = await IdentityStore.open(o.dataDir);
  let refusedCount = 0;
  let onAllRefused: (r: string) => void = () => undefined;
  const refused = new Promise<string>((r) => (onAllRefused = r));
  const connections: HostConnection[] = [];
  // Hosts writing heartbeats on shared pools also claim their VMs there and self-fence.
  const fenced = o.driver !== 'simulator' || o.poolHeartbeat === true;
  for (let i = 0; i < o.hosts; i++) {
    const c = new HostConnection(i, makeDriver(o, i), o, store, (reason) => {
      o.log?.(`host ${i} refused: ${reason}`);
      if (++refusedCount === o.hosts) onAllRefused(reason);
    }, fenced ? await ClaimLedger.open(o.dataDir, i) : undefined);
    connections.push(c);
    c.connect();
    // Spread 10,000 handshakes a little so neither side sees a thundering herd.
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  return { connections, refused, stop: () => connections.forEach((c) => c.close()) };
}
