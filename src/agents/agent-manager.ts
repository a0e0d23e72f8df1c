/**
 * The server end of the agent protocol (`services.agents`): a WebSocket listener on the
 * agent port, one session per connected host, commands matched to answers by sequence
 * number, heartbeats batched into `hosts.last_ping`, and a checker that turns silent hosts
 * Disconnected and then Alert after `ping.interval × ping.timeout` seconds.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { CloudError } from '../api/errors.js';
import type { Db } from '../db/dialect.js';
import { sql } from 'kysely';
import type { ConfigService } from '../services/config/config.service.js';
import { CONSOLE_CHANNEL_HEADER, CONSOLE_CHANNEL_PATH, decode, encode, type AgentCommand, type AgentToServer, type AnswerBody, type HostInfo, type MigratingVm, type PoolHealth, type ServerToAgent, type SimulatorMock, type VmState } from '../protocol/messages.js';
import { hostTransition } from '../orchestration/state/host-state.js';
import { admit, createRegistrationToken } from './credentials.js';
import { HealthChecker } from './health.js';
import { hostPools } from './heartbeat-paths.js';

interface Pending {
  resolve(a: AnswerBody): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  onProgress?: ((percent: number) => void) | undefined;
}

/** What a command's sender may ask for: a timeout, and the agent's progress reports. */
export interface SendOptions {
  timeoutMs?: number;
  onProgress?: (percent: number) => void;
}

interface Session {
  ws: WebSocket;
  hostId: number;
  lastSeen: number;
  seq: number;
  pending: Map<number, Pending> | undefined;
}

export type VmStateListener = (hostId: number, vms: VmState[], at: number) => void;
/** A host's primary pool states changed (the first report after it connects counts as a change). */
export type PoolReportListener = (hostId: number, pools: PoolHealth[], at: number) => Promise<void>;
/** Commands to send a (re)connecting agent before its host turns Up (HA fencing of VMs moved meanwhile). */
export type HelloHook = (hostId: number, vms: VmState[], at: number) => Promise<AgentCommand[]>;

export interface AgentManagerOptions {
  port: number;
  host: string;
  msid: string;
  /** PEM certificate and key: when both are set agents must connect with TLS (wss://). */
  tls?: { cert: string; key: string } | undefined;
  /** Source of simulator mocks for a host that (re)connects. */
  mocksFor?: (hostId: number) => Promise<SimulatorMock[]>;
  /** In a farm: sends through the server holding the host's connection (undefined: none does). */
  forward?: (hostId: number, cmd: AgentCommand, timeoutMs: number) => Promise<AnswerBody | undefined>;
}

export class AgentManager {
  private wss: WebSocketServer | undefined;
  private tlsServer: HttpsServer | undefined;
  private readonly sessions = new Map<number, Session>();
  private readonly listeners: VmStateListener[] = [];
  private readonly connectListeners: Array<(hostId: number) => void> = [];
  private readonly helloHooks: HelloHook[] = [];
  private readonly poolListeners: PoolReportListener[] = [];
  /**
   * Per host, its last pool report and the work it started: unchanged reports cost nothing, and
   * VM reports wait for that work, so a guest that stopped with its pool is judged knowing the
   * pool is down (no HA restart onto a dead pool).
   */
  private readonly poolReports = new Map<number, { key: string; work: Promise<void>; done: boolean }>();
  /** A host's pending close handling; a new hello for it waits for this first. */
  private readonly closing = new Map<number, Promise<unknown>>();
  readonly health: HealthChecker;
  private boundPort = 0;
  private consoleChannel: ((ws: WebSocket, channel: string) => void) | undefined;

  constructor(private readonly db: Db, private readonly config: ConfigService, private readonly log: Logger, private readonly o: AgentManagerOptions) {
    this.health = new HealthChecker(db, config, log, {
      connected: this.sessions,
      drop: (id) => this.sessions.get(id)?.ws.terminate(),
    });
  }

  /** The port agents connect to (the bound one when configured as 0). */
  get port(): number {
    return this.boundPort;
  }

  /** True when agents must connect with TLS (wss://). */
  get tls(): boolean {
    return this.o.tls !== undefined;
  }

  get connectedCount(): number {
    return this.sessions.size;
  }

  async start(): Promise<void> {
    const common = { maxPayload: 16 * 1024 * 1024, perMessageDeflate: false, clientTracking: false };
    let wss: WebSocketServer;
    if (this.o.tls) {
      // With certificates configured the agent port speaks only TLS, so secrets and tokens never cross in clear.
      const server = createHttpsServer({ cert: this.o.tls.cert, key: this.o.tls.key });
      this.tlsServer = server;
      wss = new WebSocketServer({ ...common, server });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.o.port, this.o.host, () => resolve());
      });
    } else {
      wss = new WebSocketServer({ ...common, port: this.o.port, host: this.o.host });
      await new Promise<void>((resolve, reject) => {
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
    }
    wss.on('error', (err) => this.log.error({ err }, 'agent listener error'));
    const addr = this.tlsServer ? this.tlsServer.address() : wss.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.o.port;
    wss.on('connection', (ws, req) => {
      if (new URL(req.url ?? '/', 'ws://agent').pathname !== CONSOLE_CHANNEL_PATH) return this.accept(ws);
      // An agent's console relay (OpenConsole): handed to the console proxy, which knows its secret.
      const channel = req.headers[CONSOLE_CHANNEL_HEADER];
      if (typeof channel === 'string' && this.consoleChannel) this.consoleChannel(ws, channel);
      else ws.close(4001, 'unknown console channel');
    });
    this.wss = wss;
    await this.health.start();
    this.log.info(`agent listener on ${this.o.host}:${this.boundPort}${this.o.tls ? ' (TLS)' : ''}`);
  }

  async stop(): Promise<void> {
    await this.health.stop();
    for (const s of this.sessions.values()) s.ws.terminate();
    this.sessions.clear();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
    if (this.tlsServer) await new Promise<void>((r) => this.tlsServer!.close(() => r()));
  }

  /** Closes a host's connection (reconnectHost, deleteHost); the agent may come back. */
  dropConnection(hostId: number): void {
    this.sessions.get(hostId)?.ws.terminate();
  }

  /** Hosts with a live agent connection. */
  connectedHostIds(): number[] {
    return [...this.sessions.keys()];
  }

  isConnected(hostId: number): boolean {
    return this.sessions.has(hostId);
  }

  /** Receives agents' console WebSockets (`/console`) with the channel secret they present. */
  onConsoleChannel(fn: (ws: WebSocket, channel: string) => void): void {
    this.consoleChannel = fn;
  }

  /** Registers a hook run on each agent hello before its host turns Up. */
  onHello(fn: HelloHook): void {
    this.helloHooks.push(fn);
  }

  /** Registers a listener for VM power states carried by hello and heartbeats. */
  onVmStateReport(fn: VmStateListener): void {
    this.listeners.push(fn);
  }

  /** Registers a listener for changes in the primary pool states a host reports; VM reports of that heartbeat wait for it. */
  onPoolReport(fn: PoolReportListener): void {
    this.poolListeners.push(fn);
  }

  /** The work started by the host's pool report, when it is still running (undefined: nothing to wait for). */
  private poolReport(hostId: number, pools: PoolHealth[], at: number): Promise<void> | undefined {
    const key = JSON.stringify(pools);
    const last = this.poolReports.get(hostId);
    if (last && last.key === key) return last.done ? undefined : last.work;
    const entry = { key, done: false, work: Promise.resolve() };
    entry.work = (last?.work ?? Promise.resolve())
      .then(() => Promise.all(this.poolListeners.map((fn) => fn(hostId, pools, at))))
      .then(() => {
        entry.done = true;
      }, (err) => {
        entry.done = true;
        this.log.warn({ err, hostId }, 'handling a pool report failed');
        // Handled again with the next heartbeat.
        if (this.poolReports.get(hostId) === entry) this.poolReports.delete(hostId);
      });
    this.poolReports.set(hostId, entry);
    return entry.work;
  }

  /** Registers a listener called each time a host's agent (re)connects and is Up (e.g. to re-send state it keeps in memory). */
  onHostConnected(fn: (hostId: number) => void): void {
    this.connectListeners.push(fn);
  }

  createRegistrationToken(p: { zoneId: number; podId: number; clusterId: number; uses?: number | null; ttlMs?: number | null }): Promise<string> {
    return createRegistrationToken(this.db, p);
  }

  /**
   * Sends a command and resolves with the agent's answer (`result: false` + `details` for a
   * failed operation). Rejects with ResourceUnavailable when the host is not connected, the
   * connection drops or no answer comes within `timeoutMs`. MigrateVm with a
   * `destinationHostId` moves the VM to the destination's agent too.
   */
  async send(hostId: number, cmd: AgentCommand, opts: SendOptions = {}): Promise<AnswerBody> {
    if (cmd.type === 'MigrateVm' && cmd.destinationHostId !== undefined && cmd.destinationHostId !== hostId) return this.migrate(hostId, cmd.destinationHostId, cmd, opts);
    if (!this.sessions.has(hostId) && this.o.forward) {
      // Another server of the farm may hold this host's connection.
      const answer = await this.o.forward(hostId, cmd, opts.timeoutMs ?? 120_000);
      if (answer) return answer;
    }
    return this.sendLocal(hostId, cmd, opts);
  }

  /** Sends on this server's own session for the host (what a forwarded command runs). */
  sendLocal(hostId: number, cmd: AgentCommand, opts: SendOptions = {}): Promise<AnswerBody> {
    const s = this.sessions.get(hostId);
    if (!s) return Promise.reject(new CloudError('ResourceUnavailable', `Host ${hostId} is not connected`));
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const seq = ++s.seq;
    return new Promise<AnswerBody>((resolve, reject) => {
      const timer = setTimeout(() => {
        s.pending?.delete(seq);
        reject(new CloudError('ResourceUnavailable', `Host ${hostId} did not answer ${cmd.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      (s.pending ??= new Map()).set(seq, { resolve, reject, timer, onProgress: opts.onProgress });
      this.write(s.ws, { t: 'command', seq, timeoutMs, cmd });
    });
  }

  private async migrate(src: number, dst: number, cmd: AgentCommand & { type: 'MigrateVm' }, opts: SendOptions): Promise<AnswerBody> {
    if (!this.isConnected(dst) && !this.o.forward) throw new CloudError('ResourceUnavailable', `Destination host ${dst} is not connected`);
    // Live: the destination listens first, then the source sends the running guest's memory.
    let known = cmd.spec;
    if (known === undefined) {
      const spec = await this.send(src, { type: 'GetVmSpec', instanceName: cmd.instanceName }, opts);
      if (!spec.result) return spec;
      known = (spec['vm'] as MigratingVm | null | undefined) ?? null;
    }
    if (known) return this.migrateLive(src, dst, cmd.instanceName, known, opts);
    const out = await this.send(src, { type: 'MigrateVm', instanceName: cmd.instanceName }, opts);
    if (!out.result) return out;
    const vm = out['vm'] as MigratingVm;
    const into = await this.send(dst, { type: 'ReceiveVm', vm }, opts).catch((e: Error) => ({ result: false as const, details: e.message }));
    if (!into.result) await this.send(src, { type: 'ReceiveVm', vm }, opts).catch(() => undefined);
    return into;
  }

  /**
   * A failed step leaves the guest running on the source and nothing on the destination. The
   * destination is asked to confirm (ReceiveVm, live) while the source sends: it answers as soon
   * as the guest runs there, instead of one more round trip after the source's answer. The
   * source's command goes first: it starts the transfer, the destination's only waits (and
   * handles a guest that already runs).
   */
  private async migrateLive(src: number, dst: number, instanceName: string, vm: MigratingVm, opts: SendOptions): Promise<AnswerBody> {
    const prep = await this.send(dst, { type: 'PrepareMigration', vm }, opts);
    if (!prep.result) return prep;
    const failed = (e: Error) => ({ result: false as const, details: e.message });
    const sending = this.send(src, { type: 'MigrateVm', instanceName, target: prep['target'] as { host: string; port: number } }, opts).catch(failed);
    const into = this.send(dst, { type: 'ReceiveVm', vm, live: true }, opts).catch(failed);
    const out = await sending;
    if (!out.result) {
      // Aborting also ends the destination's wait.
      await this.send(dst, { type: 'AbortMigration', instanceName }, opts).catch(() => undefined);
      await into;
      return out;
    }
    return into;
  }

  private write(ws: WebSocket, m: ServerToAgent): void {
    ws.send(encode(m));
  }

  private accept(ws: WebSocket): void {
    let session: Session | undefined;
    const helloTimer = setTimeout(() => ws.terminate(), 15_000);
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      const m = decode<AgentToServer>(data);
      if (!m) return;
      if (!session) {
        if (m.t !== 'hello') return this.refuse(ws, 'hello expected');
        clearTimeout(helloTimer);
        ws.pause();
        this.hello(ws, m).then((s) => {
          session = s;
          ws.resume();
        }, (err: Error) => {
          this.log.warn({ err }, 'agent registration failed');
          this.refuse(ws, 'registration failed');
        });
        return;
      }
      session.lastSeen = Date.now();
      if (m.t === 'ping') {
        const hostId = session.hostId;
        const at = Date.now();
        this.health.seen(hostId);
        const pools = m.pools?.length ? this.poolReport(hostId, m.pools, at) : undefined;
        if (m.vms.length) {
          if (pools) void pools.then(() => this.report(hostId, m.vms, at));
          else this.report(hostId, m.vms, at);
        }
      } else if (m.t === 'progress') {
        const percent = Number(m.percent);
        if (Number.isFinite(percent)) session.pending?.get(m.seq)?.onProgress?.(Math.min(100, Math.max(0, Math.round(percent))));
      } else if (m.t === 'answer') {
        const p = session.pending?.get(m.seq);
        if (!p) return;
        session.pending!.delete(m.seq);
        clearTimeout(p.timer);
        p.resolve(m.body);
      }
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (!session) return;
      const s = session;
      for (const p of s.pending?.values() ?? []) {
        clearTimeout(p.timer);
        p.reject(new CloudError('ResourceUnavailable', `Connection to host ${s.hostId} was lost`));
      }
      if (this.sessions.get(s.hostId) === s) {
        this.sessions.delete(s.hostId);
        this.poolReports.delete(s.hostId);
        const p = this.health.disconnected(s.hostId).catch((err) => this.log.warn({ err, hostId: s.hostId }, 'marking a host disconnected failed'));
        this.closing.set(s.hostId, p);
        void p.finally(() => this.closing.get(s.hostId) === p && this.closing.delete(s.hostId));
      }
    });
  }

  private refuse(ws: WebSocket, reason: string): void {
    this.write(ws, { t: 'refused', reason });
    ws.close(4001, 'refused');
  }

  private async hello(ws: WebSocket, m: AgentToServer & { t: 'hello' }): Promise<Session | undefined> {
    const info = sanitize(m.info);
    if (!info) {
      this.refuse(ws, 'malformed host information');
      return undefined;
    }
    const a = await admit(this.db, { token: m.token, hostUuid: m.hostUuid, secret: m.secret, info });
    if (typeof a === 'string') {
      this.log.warn({ reason: a }, 'agent refused');
      this.refuse(ws, a);
      return undefined;
    }
    const cluster = await this.db.kysely.selectFrom('hosts').innerJoin('clusters', 'clusters.id', 'hosts.cluster_id')
      .select(['clusters.hypervisor_type as ch']).where('hosts.id', '=', a.hostId).executeTakeFirst();
    if (cluster && cluster.ch.toLowerCase() !== info.hypervisorType.toLowerCase()) {
      this.refuse(ws, `the cluster runs ${cluster.ch}, this host reports ${info.hypervisorType}`);
      return undefined;
    }
    const old = this.sessions.get(a.hostId);
    if (old) {
      this.sessions.delete(a.hostId);
      old.ws.terminate();
    }
    await this.closing.get(a.hostId);
    const now = Date.now();
    await this.db.kysely.updateTable('hosts').set({
      hypervisor_type: info.hypervisorType, hypervisor_version: info.hypervisorVersion, cpu_sockets: info.cpuSockets, cpus: info.cpus,
      cpu_speed: info.cpuSpeed, total_memory: info.memory, local_storage: info.localStorage, private_ip: info.privateIp, arch: info.arch,
      // The planner re-reads a host's hardware only when update_count moves (allocation/host-rows.ts).
      update_count: sql`update_count + 1`,
    }).where('id', '=', a.hostId).execute();
    let connecting: string | undefined;
    let status = a.status;
    for (let i = 0; i < 3 && !connecting; i++) {
      if (i > 0) status = (await this.db.kysely.selectFrom('hosts').select('status').where('id', '=', a.hostId).executeTakeFirst())?.status ?? 'Removed';
      connecting = await hostTransition(this.db.kysely, { id: a.hostId, status }, 'AgentConnected', { last_ping: now, mgmt_server_id: this.o.msid });
    }
    if (!connecting) {
      // Not an authentication failure: the agent retries with backoff.
      this.write(ws, { t: 'error', reason: `host is ${status}` });
      ws.close(4002, 'retry');
      return undefined;
    }
    const s: Session = { ws, hostId: a.hostId, lastSeen: now, seq: 0, pending: undefined };
    this.sessions.set(a.hostId, s);
    const pingIntervalMs = Math.max(0.05, (await this.config.getNumber('ping.interval')) || 60) * 1000;
    const { heartbeat: paths, pools } = await hostPools(this.db, a.hostId);
    this.write(ws, {
      t: 'welcome', hostId: a.hostId, hostUuid: a.hostUuid, pingIntervalMs, ...(a.secret ? { secret: a.secret } : {}),
      ...(paths.length ? { heartbeat: { paths, intervalMs: pingIntervalMs } } : {}), ...(pools.length ? { pools } : {}),
    });
    const mocks = this.o.mocksFor ? await this.o.mocksFor(a.hostId) : [];
    // Written without waiting for the answer: the socket is paused until hello ends, so an awaited
    // answer could only arrive after its 30 s timeout (every mocked host joined 30 s late).
    if (mocks.length) this.write(ws, { t: 'command', seq: ++s.seq, timeoutMs: 30_000, cmd: { type: 'ConfigureSimulator', mocks } });
    for (const fn of this.helloHooks) {
      // Written without waiting for answers (the socket is paused until hello ends); the agent runs them in order, before later commands.
      const cmds = await fn(a.hostId, m.vms ?? [], now).catch((err: Error) => (this.log.warn({ err, hostId: a.hostId }, 'hello hook failed'), [] as AgentCommand[]));
      for (const cmd of cmds) this.write(ws, { t: 'command', seq: ++s.seq, timeoutMs: 30_000, cmd });
    }
    await hostTransition(this.db.kysely, { id: a.hostId, status: connecting }, 'Ready', { last_ping: Date.now() });
    if (m.vms?.length) this.report(a.hostId, m.vms);
    for (const fn of this.connectListeners) {
      try {
        fn(a.hostId);
      } catch (err) {
        this.log.warn({ err, hostId: a.hostId }, 'host connect listener failed');
      }
    }
    return s;
  }

  private report(hostId: number, vms: VmState[], at = Date.now()): void {
    for (const fn of this.listeners) {
      try {
        fn(hostId, vms, at);
      } catch (err) {
        this.log.warn({ err, hostId }, 'VM state listener failed');
      }
    }
  }
}

function sanitize(i: unknown): HostInfo | undefined {
  if (!i || typeof i !== 'object') return undefined;
  const o = i as Record<string, unknown>;
  const num = (k: string) => (typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) >= 0 ? (o[k] as number) : undefined);
  const str = (k: string, max = 255) => (typeof o[k] === 'string' && (o[k] as string).length <= max ? (o[k] as string) : undefined);
  const r = {
    name: str('name'), hypervisorType: str('hypervisorType', 32), hypervisorVersion: str('hypervisorVersion', 64), cpuSockets: num('cpuSockets'),
    cpus: num('cpus'), cpuSpeed: num('cpuSpeed'), memory: num('memory'), localStorage: num('localStorage'), privateIp: str('privateIp', 64), arch: str('arch', 16),
  };
  return Object.values(r).every((v) => v !== undefined) ? (r as HostInfo) : undefined;
}
