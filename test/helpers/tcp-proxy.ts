/**
 * A loopback TCP proxy for agent connections: `pause()` cuts every connection and refuses new
 * ones (an agent that is away, its process and hypervisor state intact), `resume()` listens
 * again on the same port so the agent's reconnect loop gets through.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port agents connect to. */
  address: string;
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    const srv = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const a = srv.address();
      port = typeof a === 'object' && a ? a.port : port;
      server = srv;
      resolve();
    });
  });
  const stop = () => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    if (server) server.close(() => r());
    else r();
    server = undefined;
  });
  await listen();
  return { address: `127.0.0.1:${port}`, pause: stop, resume: listen, close: stop };
}

