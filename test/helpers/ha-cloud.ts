/**
 * A small cloud on real simulator agents for the HA/maintenance/alert tests: one zone, pod,
 * cluster and file:// pool, hosts served by `nimbo agent` child processes (one process may
 * serve several hosts; each process can be killed and started again with its data dir), a
 * service offering and a downloaded template.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type TestServer } from './server.js';
import type { DialectName } from '../../src/db/dialect.js';
import { VmFixtures } from './vm-fixtures.js';
import { until as waitUntil } from './until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

export const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> => waitUntil(what, f, ms, 200);

export interface AgentProc {
  dataDir: string;
  hosts: number;
  child: ChildProcess | undefined;
}

export class HaCloud {
  readonly fx: VmFixtures;
  zone = '';
  zoneId = 0;
  pod = '';
  cluster = '';
  clusterId = 0;
  so = '';
  tpl = '';
  readonly agents: AgentProc[] = [];
  private readonly dirs: string[] = [];
  private readonly token = 'ha-test-token';
  /** Extra `nimbo agent` arguments for agents started from now on (e.g. `--pool-heartbeat`). */
  agentArgs: string[] = [];

  constructor(readonly s: TestServer, readonly spec = { cpus: 16, cpuSpeed: 1000, memoryMiB: 16384 }) {
    this.fx = new VmFixtures(s.app.db);
  }

  async init(): Promise<void> {
    const { s } = this;
    await this.fx.init();
    const z = (await s.admin.ok('createZone', { name: 'ha-z1', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
    await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
    const p = (await s.admin.ok('createPod', { name: 'ha-p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
    const c = (await s.admin.ok('addCluster', { clustername: 'ha-c1', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
    const poolDir = mkdtempSync(join(tmpdir(), 'nimbo-ha-pool-'));
    this.dirs.push(poolDir);
    await s.admin.ok('createStoragePool', { name: 'ha-sp', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${poolDir}` });
    await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 5 }).execute();
    this.zone = z.id;
    this.pod = p.id;
    this.cluster = c.id;
    this.zoneId = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
    this.clusterId = (await s.app.db.kysely.selectFrom('clusters').select('id').where('uuid', '=', c.id).executeTakeFirstOrThrow()).id;
    this.so = (await this.fx.serviceOffering({ offer_ha: 1 })).uuid;
    this.tpl = (await this.fx.template(this.zoneId)).uuid;
  }

  /** Registers `n` hosts and starts one agent process serving them; resolves when all are Up. */
  async addAgent(n: number): Promise<AgentProc> {
    const before = Number((await this.s.admin.ok('listHosts', { state: 'Up' }))['count'] ?? 0);
    for (let i = 0; i < n; i++) {
      await this.s.admin.ok('addHost', { zoneid: this.zone, podid: this.pod, clusterid: this.cluster, url: `http://sim/a${this.agents.length}/h${i}`, hypervisor: 'Simulator', username: 'root', password: this.token });
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'nimbo-ha-agent-'));
    this.dirs.push(dataDir);
    const a: AgentProc = { dataDir, hosts: n, child: undefined };
    this.agents.push(a);
    this.startAgent(a);
    await until(`${n} more hosts Up`, async () => Number((await this.s.admin.ok('listHosts', { state: 'Up' }))['count'] ?? 0) >= before + n, 60_000);
    return a;
  }

  startAgent(a: AgentProc): void {
    const sp = this.spec;
    a.child = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${this.s.app.services.agents.port}`, '--driver', 'simulator', '--data-dir', a.dataDir,
      '--hosts', String(a.hosts), '--cpus', String(sp.cpus), '--cpu-speed', String(sp.cpuSpeed), '--memory', String(sp.memoryMiB), ...this.agentArgs], {
      env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: this.token }, stdio: ['ignore', 'ignore', 'ignore'],
    });
  }

  /** SIGKILL: the host vanishes as in a power cut (its simulated VMs with it). */
  async killAgent(a: AgentProc): Promise<void> {
    const c = a.child;
    a.child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((r) => {
      c.once('exit', () => r());
      c.kill('SIGKILL');
    });
  }

  deploy(extra: Record<string, string | boolean> = {}) {
    return this.s.admin.jobOk('deployVirtualMachine', { zoneid: this.zone, serviceofferingid: this.so, templateid: this.tpl, ...extra });
  }

  async hostId(uuid: string): Promise<number> {
    return (await this.s.app.db.kysely.selectFrom('hosts').select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow()).id;
  }

  /** instance name → host ids whose agent says it runs it (the hypervisors' own view). */
  async running(): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    const hosts = await this.s.app.db.kysely.selectFrom('hosts').select('id').where('removed', 'is', null).execute();
    for (const h of hosts) {
      if (!this.s.app.services.agents.isConnected(h.id)) continue;
      const r = (await this.s.app.services.agents.send(h.id, { type: 'GetVmStates' }, { timeoutMs: 30_000 }).catch(() => undefined)) as Record<string, unknown> | undefined;
      for (const v of (r?.['vms'] as Array<{ instanceName: string; state: string }> | undefined) ?? []) {
        if (v.state !== 'Running') continue;
        out.set(v.instanceName, [...(out.get(v.instanceName) ?? []), h.id]);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    for (const a of this.agents) await this.killAgent(a);
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** A test server with a short failure window (ping.interval 1 s × ping.timeout `timeoutS`) and its initialised HA cloud. */
export async function startHaCloud(dialect: DialectName, timeoutS = 3): Promise<{ s: TestServer; cloud: HaCloud }> {
  const s = await startServer(dialect);
  await s.admin.ok('updateConfiguration', { name: 'ping.interval', value: '1' });
  await s.admin.ok('updateConfiguration', { name: 'ping.timeout', value: String(timeoutS) });
  const cloud = new HaCloud(s);
  await cloud.init();
  return { s, cloud };
}
