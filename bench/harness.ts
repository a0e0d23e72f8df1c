/**
 * What every bench needs: a real `nimbo server` child process on a fresh data directory,
 * its admin keys, its resident memory, and an HTTP load run (autocannon) against a URL.
 * Benches of later areas reuse these so their figures stay comparable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signedQuery } from '../src/cli/api-client.js';

/** The repository root (dist/bench/ is two levels below it). */
export const ROOT = new URL('../../', import.meta.url).pathname;

export interface AdminKeys {
  apikey: string;
  secretkey: string;
  endpoint: string;
}

export interface NimboProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  dataDir: string;
  /** http://127.0.0.1:<port>/client/api */
  endpoint: string;
  keys: AdminKeys;
  /** The server's own "ready in N ms" figure (process start to listening). */
  selfReportedReadyMs: number | undefined;
  /** Everything the server printed, for diagnostics. */
  output(): string;
  stop(): Promise<void>;
}

import { freePort } from '../src/util/free-port.js';

export { freePort };

/** One GET with a fresh connection; resolves with the status and body. */
export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), contentType: String(res.headers['content-type'] ?? '') }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/** A signed GET URL (cs-style: signatureVersion=3, expires ten minutes ahead). */
export function signedUrl(keys: AdminKeys, command: string, params: Record<string, string> = {}): string {
  return `${keys.endpoint}?${signedQuery({ command, ...params }, { endpoint: keys.endpoint, apiKey: keys.apikey, secretKey: keys.secretkey, expiresIn: 600 })}`;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface StartOptions {
  /** Extra environment (NIMBO_DB_URL, NIMBO_DEMO, …). */
  env?: Record<string, string>;
  /** Extra node flags placed before bin/nimbo.js (e.g. --cpu-prof). */
  nodeFlags?: string[];
  timeoutMs?: number;
}

/**
 * Spawns `node bin/nimbo.js server` on a new temporary data directory and free ports, and
 * resolves once its admin credentials file exists. Measure the cold start around this
 * plus the first request (see `coldStart`).
 */
export async function startNimbo(opts: StartOptions = {}): Promise<NimboProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbo-bench-'));
  const [port, agentPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NIMBO_DATA_DIR: dataDir,
    NIMBO_PORT: String(port),
    NIMBO_HOST: '127.0.0.1',
    NIMBO_AGENT_PORT: String(agentPort),
    NIMBO_ADMIN_PASSWORD: 'bench-password',
    NIMBO_LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), join(ROOT, 'bin', 'nimbo.js'), 'server'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const credFile = join(dataDir, 'admin-credentials.json');
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let running = true;
  void exited.then(() => (running = false));
  // Poll tightly: the file appears right after the server starts listening.
  while (!existsSync(credFile) || !/ready in/.test(out)) {
    if (!running) throw new Error(`nimbo server exited before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nimbo server not ready after ${opts.timeoutMs ?? 30_000} ms:\n${out}`);
    }
    await sleep(2);
  }
  const file = JSON.parse(readFileSync(credFile, 'utf8')) as AdminKeys;
  const endpoint = `http://127.0.0.1:${port}/client/api`;
  const ready = /ready in (\d+) ms/.exec(out);
  return {
    child, pid: child.pid!, port, dataDir, endpoint,
    keys: { apikey: file.apikey, secretkey: file.secretkey, endpoint },
    selfReportedReadyMs: ready ? Number(ready[1]) : undefined,
    output: () => out,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Wall time from spawning `nimbo server` (fresh data dir, empty SQLite) to the first
 * signed request answered with HTTP 200. The server is left running for further use.
 */
export async function coldStart(opts: StartOptions = {}): Promise<{ ms: number; server: NimboProcess }> {
  const t0 = performance.now();
  const server = await startNimbo(opts);
  for (;;) {
    const r = await httpGet(signedUrl(server.keys, 'listAccounts', { response: 'json' })).catch(() => undefined);
    if (r?.status === 200) break;
    if (performance.now() - t0 > 30_000) {
      await server.stop();
      throw new Error(`no answer to a signed listAccounts within 30 s (last status ${r?.status}):\n${server.output()}`);
    }
    await sleep(2);
  }
  return { ms: performance.now() - t0, server };
}

export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number;
  /** Server CPU time (user + system) per answered request, when the server's pid was given. */
  cpuUsPerRequest?: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  total: number;
}

/**
 * Runs autocannon against one URL and checks every answer was a 2xx (a fast stream of 401s
 * must never count as throughput).
 */
export async function load(url: string, opts: { connections: number; durationS: number; pid?: number }): Promise<LoadResult> {
  const cpu0 = opts.pid ? cpuMs(opts.pid) : 0;
  const r = await autocannon({ url, connections: opts.connections, duration: opts.durationS, pipelining: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`load run on ${url} had ${r.non2xx} non-2xx answers and ${r.errors} errors`);
  const out: LoadResult = { rps: r.requests.average, latencyP50Ms: r.latency.p50, latencyP99Ms: r.latency.p99, total: r.requests.total };
  if (opts.pid && r.requests.total > 0) out.cpuUsPerRequest = ((cpuMs(opts.pid) - cpu0) * 1000) / r.requests.total;
  return out;
}

/** CPU time (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Reads a positive number from the environment, else the default. */
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
