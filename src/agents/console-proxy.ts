/**
 * The management server's console proxy: a viewer (noVNC in the browser) opens a WebSocket at
 * `/client/console/websocket?token=…` on the API port; the token is checked and consumed
 * before the upgrade (a bad one gets a plain HTTP 401, never a socket), the VM's host agent is
 * asked to relay its loopback VNC server over a dial-back WebSocket (`OpenConsole`), and the
 * two WebSockets are joined byte for byte. When another server of the farm holds the host's
 * agent, the command travels there (`/internal/agent-command`) and the agent dials back to this
 * server's agent port (`dialBack`). Sessions end on either side closing, on
 * `consoleproxy.session.timeout` ms without traffic, when the proxy is stopped or rebooted
 * (`closeProxy`), or when the server stops. Each opening and closing reports the proxy's load.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Logger } from 'pino';
import { CloudError } from '../api/errors.js';
import type { ConfigService } from '../services/config/config.service.js';
import { CONSOLE_WEBSOCKET_PATH, type ConsoleService, type ConsoleTarget } from '../services/console/console.service.js';
import type { AgentManager } from './agent-manager.js';

const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
/** How long the agent may take to dial back with the VNC stream. */
const CHANNEL_WAIT_MS = 20_000;

const STATUS: Record<string, [number, string]> = {
  Unauthorized: [401, 'Unauthorized'],
  ResourceUnavailable: [503, 'Service Unavailable'],
};

export class ConsoleProxy {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  /** Channel secret → the waiter for the agent's dial-back WebSocket. */
  private readonly channels = new Map<string, (ws: WebSocket) => void>();
  private readonly live = new Set<WebSocket>();
  /** Joined sessions: id → its proxy and how to end it. */
  private readonly sessions = new Map<number, { proxyId: number; end: () => void }>();

  constructor(
    private readonly agents: AgentManager, private readonly consoles: ConsoleService, private readonly config: ConfigService,
    private readonly log: Logger, private readonly msid: string, private readonly reportLoad: (proxyId: number) => Promise<void>,
  ) {
    agents.onConsoleChannel((ws, channel) => {
      const take = this.channels.get(channel);
      if (!take) return ws.close(4001, 'unknown console channel');
      this.channels.delete(channel);
      // The VNC server speaks first (its version); hold its bytes until the viewer is joined.
      ws.pause();
      take(ws);
    });
  }

  /** Serves viewers' upgrades on the API's HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://console');
      if (url.pathname === CONSOLE_WEBSOCKET_PATH) return void this.upgrade(req, socket, head, url.searchParams.get('token'));
      // Nothing else on the API port speaks WebSocket.
      if (server.listenerCount('upgrade') === 1) reject(socket, 404, 'Not Found', 'no WebSocket here');
    });
  }

  /** Ends every session of one proxy of this server (stopSystemVm, rebootSystemVm). */
  closeProxy(proxyId: number): number {
    let n = 0;
    for (const s of [...this.sessions.values()]) {
      if (s.proxyId !== proxyId) continue;
      s.end();
      n++;
    }
    return n;
  }

  /** Ends every session (server shutdown). */
  stop(): void {
    for (const ws of this.live) ws.terminate();
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, token: string | null): Promise<void> {
    socket.on('error', () => socket.destroy());
    let target: ConsoleTarget;
    try {
      if (!token) throw new CloudError('Unauthorized', 'A console token is required');
      target = await this.consoles.acquire(token, this.msid, req.socket.remoteAddress ?? null);
    } catch (e) {
      const [code, text] = (e instanceof CloudError && STATUS[e.kind]) || [500, 'Internal Server Error'];
      return reject(socket, code, text, e instanceof CloudError ? e.message : 'console proxy error');
    }
    // Stopping the proxy while the host is still dialling back refuses this viewer too.
    let stopped = false;
    this.sessions.set(target.sessionId, { proxyId: target.proxyId, end: () => (stopped = true) });
    let vnc: WebSocket;
    try {
      vnc = await this.openChannel(target);
    } catch (e) {
      this.sessions.delete(target.sessionId);
      this.log.warn({ err: e, session: target.sessionUuid }, 'console: the host could not relay the VM display');
      await this.consoles.release(target.sessionId).catch(() => undefined);
      return reject(socket, 502, 'Bad Gateway', e instanceof Error ? e.message : String(e));
    }
    if (stopped) {
      this.sessions.delete(target.sessionId);
      vnc.close();
      await this.consoles.release(target.sessionId).catch(() => undefined);
      return reject(socket, 503, 'Service Unavailable', 'The console proxy was stopped');
    }
    const idleMs = (await this.config.getNumber('consoleproxy.session.timeout')) || 300_000;
    let joined = false;
    socket.once('close', () => joined || vnc.close());
    this.wss.handleUpgrade(req, socket, head, (viewer) => {
      joined = true;
      this.join(viewer, vnc, target, idleMs);
    });
  }

  /** Asks the VM's agent to relay its VNC server and waits for its dial-back WebSocket. */
  private async openChannel(t: ConsoleTarget): Promise<WebSocket> {
    const channel = randomBytes(24).toString('base64url');
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<WebSocket>((resolve, rejectP) => {
      this.channels.set(channel, resolve);
      timer = setTimeout(() => rejectP(new Error(`the host did not open the console within ${CHANNEL_WAIT_MS} ms`)), CHANNEL_WAIT_MS);
    });
    try {
      // An agent connected to another server of the farm dials back here rather than to its own server.
      const dialBack = this.agents.isConnected(t.hostId) ? {} : { dialBack: t.agentUrl };
      const answer = await this.agents.send(t.hostId, { type: 'OpenConsole', instanceName: t.instanceName, channel, ...dialBack }, { timeoutMs: CHANNEL_WAIT_MS });
      if (!answer.result) throw new Error(answer.details);
      return await arrived;
    } finally {
      clearTimeout(timer);
      this.channels.delete(channel);
    }
  }

  /** Joins the two sockets synchronously, so no message arrives before its listener. */
  private join(viewer: WebSocket, vnc: WebSocket, t: ConsoleTarget, idleMs: number): void {
    this.live.add(viewer);
    this.live.add(vnc);
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(end, idleMs);
    };
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(idle);
      this.sessions.delete(t.sessionId);
      viewer.close();
      vnc.close();
    };
    this.sessions.set(t.sessionId, { proxyId: t.proxyId, end });
    relay(viewer, vnc, touch);
    relay(vnc, viewer, touch);
    vnc.resume();
    for (const ws of [viewer, vnc]) {
      ws.on('error', end);
      ws.on('close', () => {
        this.live.delete(ws);
        end();
      });
    }
    viewer.once('close', () => void this.consoles.release(t.sessionId).then(() => this.reportLoad(t.proxyId))
      .catch((err) => this.log.warn({ err }, 'console: ending a session failed')));
    touch();
    void this.reportLoad(t.proxyId).catch((err) => this.log.warn({ err }, 'console: reporting the proxy load failed'));
  }
}

/** Forwards every message from `from` to `to` as binary, pausing `from` while `to` is backed up. */
function relay(from: WebSocket, to: WebSocket, onTraffic: () => void): void {
  from.on('message', (data: RawData) => {
    onTraffic();
    if (to.readyState !== WebSocket.OPEN) return;
    to.send(data, { binary: true }, () => {
      if (from.isPaused && to.bufferedAmount < LOW_WATER) from.resume();
    });
    if (to.bufferedAmount > HIGH_WATER) from.pause();
  });
}

function reject(socket: Duplex, code: number, text: string, message: string): void {
  const body = `${message}\n`;
  socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
