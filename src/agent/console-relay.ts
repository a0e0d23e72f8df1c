/**
 * The agent's half of a console session: a TCP stream to the VM's VNC server on this host's
 * loopback, relayed over a second WebSocket to the management server's agent port (so guests'
 * VNC is never exposed beyond loopback and the host needs no inbound port). The WebSocket is
 * authenticated by the one-time channel secret the server sent over the agent's own,
 * authenticated connection.
 */
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { CONSOLE_CHANNEL_HEADER, CONSOLE_CHANNEL_PATH } from '../protocol/messages.js';

/** Pause reading the VNC server while this much is queued towards the management server. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

export interface RelayOptions {
  /** The agent's server URL (`ws://host:8250` or `wss://…`). */
  serverUrl: string;
  ca?: string | undefined;
  channel: string;
  address: { host: string; port: number };
}

function openTcp(address: { host: string; port: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect(address);
    const timer = setTimeout(() => sock.destroy(new Error(`VNC server ${address.host}:${address.port} did not answer within 10 s`)), 10_000);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.off('error', reject);
      resolve(sock);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function openWs(o: RelayOptions): Promise<WebSocket> {
  const url = new URL(o.serverUrl);
  url.pathname = CONSOLE_CHANNEL_PATH;
  url.search = '';
  const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000, headers: { [CONSOLE_CHANNEL_HEADER]: o.channel }, ...(o.ca ? { ca: o.ca } : {}) });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.off('error', reject);
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

/** Connects both ends and relays until either closes; resolves once the relay runs. */
export async function openConsoleRelay(o: RelayOptions): Promise<void> {
  const sock = await openTcp(o.address);
  let ws: WebSocket;
  try {
    ws = await openWs(o);
  } catch (e) {
    sock.destroy();
    throw e;
  }
  sock.on('data', (chunk) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(chunk, { binary: true }, () => {
      if (sock.isPaused() && ws.bufferedAmount < LOW_WATER) sock.resume();
    });
    if (ws.bufferedAmount > HIGH_WATER) sock.pause();
  });
  ws.on('message', (data) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!sock.write(buf)) {
      ws.pause();
      sock.once('drain', () => ws.resume());
    }
  });
  const end = () => {
    sock.destroy();
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
  };
  sock.on('close', end);
  sock.on('error', end);
  ws.on('close', end);
  ws.on('error', end);
}
