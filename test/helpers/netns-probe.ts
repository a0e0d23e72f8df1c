/**
 * A probe process run inside a test namespace (`ip netns exec <ns> node netns-probe.js`): it
 * answers JSON-line requests on stdin (HTTP requests, DNS queries, TCP connections held open,
 * servers) so a test drives several namespaces from one process. Exits when stdin closes.
 */
import { Resolver } from 'node:dns/promises';
import { createServer, request } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

type Req = { id: number; op: string; [k: string]: unknown };
const held = new Map<number, Socket>();
let nextHandle = 1;

function http(r: Req): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const q = request(String(r['url']), {
      agent: false, timeout: Number(r['timeoutMs'] ?? 5000), headers: (r['headers'] as Record<string, string>) ?? {},
      ...(r['localAddress'] ? { localAddress: String(r['localAddress']) } : {}),
    }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    q.on('timeout', () => q.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    q.on('error', reject);
    q.end();
  });
}

/** Connects, reads the server's first line and keeps the socket (closed by `tcpClose`). */
function tcpOpen(r: Req): Promise<{ handle: number; line: string }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: String(r['host']), port: Number(r['port']), ...(r['localAddress'] ? { localAddress: String(r['localAddress']) } : {}) });
    s.setTimeout(Number(r['timeoutMs'] ?? 5000), () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    let buf = '';
    s.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) {
        s.setTimeout(0);
        const handle = nextHandle++;
        held.set(handle, s);
        resolve({ handle, line: buf.split('\n')[0]! });
      }
    });
    s.on('error', reject);
  });
}

function listen(r: Req): Promise<{ port: number }> {
  const text = String(r['text']);
  const server = r['op'] === 'listenHttp'
    ? createServer((q, res) => res.end(`${text} ${(q.socket.remoteAddress ?? '').replace(/^::ffff:/, '')}`))
    : createTcpServer((s) => { s.on('error', () => undefined); s.write(`${text}\n`); });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(r['port']), String(r['host'] ?? '0.0.0.0'), () => resolve({ port: Number(r['port']) }));
  });
}

async function handle(r: Req): Promise<unknown> {
  switch (r.op) {
    case 'http': return http(r);
    case 'dns': {
      const res = new Resolver({ timeout: 2000, tries: 2 });
      res.setServers([String(r['server'])]);
      return res.resolve4(String(r['name']));
    }
    case 'tcpOpen': return tcpOpen(r);
    case 'tcpClose': {
      held.get(Number(r['handle']))?.destroy();
      held.delete(Number(r['handle']));
      return {};
    }
    case 'listenHttp':
    case 'listenTcp': return listen(r);
    default: throw new Error(`unknown op ${r.op}`);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const r = JSON.parse(line) as Req;
  handle(r).then(
    (result) => process.stdout.write(`${JSON.stringify({ id: r.id, ok: true, result })}\n`),
    (err: NodeJS.ErrnoException) => process.stdout.write(`${JSON.stringify({ id: r.id, ok: false, error: err.message, code: err.code ?? null })}\n`),
  );
});
rl.on('close', () => process.exit(0));
process.stdout.write(`${JSON.stringify({ id: 0, ok: true, result: 'ready' })}\n`);
