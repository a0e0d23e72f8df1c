/**
 * A management server farm for tests and the bench: `nimbo server` child processes sharing one
 * PostgreSQL or MariaDB database, an haproxy in front of their API ports (round robin, health
 * checked, redispatch on a dead server), and simulated agents given every server's address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from './server.js';
import type { Db } from '../../src/db/dialect.js';
import { createRegistrationToken } from '../../src/agents/credentials.js';
import { VmFixtures } from './vm-fixtures.js';
import { until } from './until.js';
import { freePort } from '../../src/util/free-port.js';

export interface FarmZone {
  zone: string;
  so: string;
  tpl: string;
  /** Milliseconds from starting the agent to every host Up. */
  joinMs: number;
}

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

export interface FarmServer {
  name: string;
  dataDir: string;
  apiPort: number;
  agentPort: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  msid: string;
  /** The `bin/nimbo.js` it runs: this build's, or another release's (test/helpers/release.ts). */
  bin: string;
}

export class Farm {
  readonly servers: FarmServer[] = [];
  private readonly dirs: string[] = [];
  haproxy: ChildProcess | undefined;
  readonly agents: ChildProcess[] = [];
  apiPort = 0;
  /** haproxy's agent frontend (TCP), once started. */
  agentLbPort = 0;
  admin!: ApiClient;

  constructor(readonly dbUrl: string, readonly env: Record<string, string> = {}) {}

  /** Starts one more `nimbo server` (of another release with `bin`); resolves when it has printed its ready banner. */
  async addServer(bin = BIN): Promise<FarmServer> {
    const name = `ms${this.servers.length + 1}`;
    const dataDir = mkdtempSync(join(tmpdir(), `nimbo-farm-${name}-`));
    this.dirs.push(dataDir);
    const [apiPort, agentPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [bin, 'server'], {
      env: {
        PATH: process.env['PATH'] ?? '', NIMBO_DB_URL: this.dbUrl, NIMBO_DATA_DIR: dataDir, NIMBO_HOST: '127.0.0.1', NIMBO_PORT: String(apiPort),
        NIMBO_AGENT_PORT: String(agentPort), NIMBO_AGENT_HOST: '127.0.0.1', NIMBO_DEMO: 'false', NIMBO_LOG_LEVEL: 'warn', NIMBO_ADMIN_PASSWORD: 'password', ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready after 60 s:\n${out}`)), 60_000);
      child.stdout!.on('data', (d) => {
        out += d;
        if (/Try:/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (d) => (out += d));
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code}:\n${out}`));
      });
    });
    // NIMBO_FARM_LOG_DIR keeps each server's output (warnings and errors) for a post-mortem.
    const logDir = process.env['NIMBO_FARM_LOG_DIR'];
    if (logDir) {
      const file = join(logDir, `${name}.log`);
      writeFileSync(file, out);
      child.stdout!.on('data', (d) => appendFileSync(file, d));
      child.stderr!.on('data', (d) => appendFileSync(file, d));
    }
    const msid = readFileSync(join(dataDir, 'management-server-id'), 'utf8').trim();
    const s: FarmServer = { name, dataDir, apiPort, agentPort, child, exited, msid, bin };
    this.servers.push(s);
    if (this.servers.length === 1) {
      const creds = JSON.parse(readFileSync(join(dataDir, 'admin-credentials.json'), 'utf8')) as Record<string, string>;
      this.admin = new ApiClient({ endpoint: `http://127.0.0.1:${apiPort}/client/api`, apiKey: creds['apikey']!, secretKey: creds['secretkey']! });
    }
    return s;
  }

  /** The haproxy configuration documented in docs/farm.md, for these servers. */
  haproxyConfig(apiPort: number, agentPort: number): string {
    const api = this.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.apiPort} check inter 500 fall 2 rise 2`).join('\n');
    const agents = this.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.agentPort} check inter 500 fall 2 rise 2`).join('\n');
    return `global
  maxconn 4000
defaults
  timeout connect 2s
  timeout client 10m
  timeout server 10m
  retries 3
  option redispatch
frontend nimbo_api
  mode http
  bind 127.0.0.1:${apiPort}
  http-request deny if { path_beg /internal/ }
  default_backend nimbo_api
backend nimbo_api
  mode http
  balance roundrobin
  option httpchk GET /client/api
  http-check expect rstatus ^[234]
${api}
frontend nimbo_agents
  mode tcp
  bind 127.0.0.1:${agentPort}
  default_backend nimbo_agents
backend nimbo_agents
  mode tcp
  balance leastconn
${agents}
`;
  }

  /** Starts haproxy in front of the servers; `admin` then goes through it. */
  async startHaproxy(): Promise<void> {
    this.apiPort = await freePort();
    const cfg = join(this.dirs[0]!, 'haproxy.cfg');
    this.agentLbPort = await freePort();
    writeFileSync(cfg, this.haproxyConfig(this.apiPort, this.agentLbPort));
    this.haproxy = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.admin = new ApiClient({ ...this.admin.opts, endpoint: `http://127.0.0.1:${this.apiPort}/client/api` });
    for (let i = 0; ; i++) {
      const r = await this.admin.call('listCapabilities').catch(() => undefined);
      if (r?.status === 200) return;
      if (i > 100) throw new Error('haproxy did not come up');
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  /**
   * One `nimbo agent` process serving `hosts` simulated hosts, given every server's agent
   * address, or with `via: 'haproxy'` only haproxy's agent frontend.
   */
  startAgents(hosts: number, token: string, spec = { cpus: 64, cpuSpeed: 2000, memoryMiB: 262144 }, via: 'servers' | 'haproxy' = 'servers'): void {
    const dataDir = mkdtempSync(join(tmpdir(), 'nimbo-farm-agent-'));
    this.dirs.push(dataDir);
    const servers = via === 'haproxy' ? `127.0.0.1:${this.agentLbPort}` : this.servers.map((s) => `127.0.0.1:${s.agentPort}`).join(',');
    this.agents.push(spawn(process.execPath, [BIN, 'agent', '--server', servers, '--driver', 'simulator', '--data-dir', dataDir, '--hosts', String(hosts),
      '--cpus', String(spec.cpus), '--cpu-speed', String(spec.cpuSpeed), '--memory', String(spec.memoryMiB)], {
      env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: token }, stdio: ['ignore', 'ignore', 'ignore'],
    }));
  }

  /**
   * A zone, pod, cluster and file:// pool made through the API, an offering (1 × 500 MHz,
   * 512 MiB) and a downloaded template written through `db`, and `hosts` simulated hosts
   * self-registered with a cluster token; resolves when all are Up. `mocks` are simulator
   * mocks (e.g. StartVm wait:1500) configured before the hosts connect; `agentsVia` as in startAgents.
   */
  async zone(db: Db, hosts: number, mocks: Record<string, string> = {}, agentsVia: 'servers' | 'haproxy' = 'servers'): Promise<FarmZone> {
    const admin = this.admin;
    const fx = new VmFixtures(db);
    await fx.init();
    const z = (await admin.ok('createZone', { name: 'farm-z1', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
    await admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
    const p = (await admin.ok('createPod', { name: 'farm-p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
    const c = (await admin.ok('addCluster', { clustername: 'farm-c1', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
    const poolDir = mkdtempSync(join(tmpdir(), 'nimbo-farm-pool-'));
    this.dirs.push(poolDir);
    await admin.ok('createStoragePool', { name: 'farm-sp', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${poolDir}` });
    await db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 6 }).execute();
    const cl = await db.kysely.selectFrom('clusters').select(['id', 'pod_id', 'zone_id']).where('uuid', '=', c.id).executeTakeFirstOrThrow();
    const so = await fx.serviceOffering({ cpu_number: 1, cpu_speed: 500, ram_size: 512 });
    const tpl = await fx.template(cl.zone_id);
    for (const [name, value] of Object.entries(mocks)) await admin.ok('configureSimulator', { name, value, zoneid: z.id });
    const t0 = Date.now();
    this.startAgents(hosts, await createRegistrationToken(db, { zoneId: cl.zone_id, podId: cl.pod_id, clusterId: cl.id, uses: hosts }), undefined, agentsVia);
    await until(`${hosts} hosts Up`, async () => {
      const n = Number((await db.kysely.selectFrom('hosts').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'Up').where('removed', 'is', null).executeTakeFirstOrThrow()).n);
      return n >= hosts;
    }, 600_000, 500);
    return { zone: z.id, so: so.uuid, tpl: tpl.uuid, joinMs: Date.now() - t0 };
  }

  /** kill -9: the server vanishes without a word (no Down row, no released leases). */
  async kill(s: FarmServer): Promise<void> {
    s.child.kill('SIGKILL');
    await s.exited;
  }

  /** An orderly stop (SIGTERM, as systemd does); resolves with the exit code. */
  async stop(s: FarmServer): Promise<number | null> {
    s.child.kill('SIGTERM');
    return s.exited;
  }

  async close(): Promise<void> {
    for (const a of this.agents) a.kill('SIGKILL');
    this.haproxy?.kill('SIGTERM');
    await Promise.all(this.servers.map(async (s) => {
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGTERM');
        const t = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
        await s.exited;
        clearTimeout(t);
      }
    }));
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
