/**
 * A zone of real QEMU hosts for end-to-end tests and benches: one KVM cluster, a file://
 * primary pool shared by two `nimbo agent --driver qemu` child processes (each its own data
 * dir, TCG guests on loopback migration), a file:// image store (so the built-in Nimbo Tiny
 * Linux template is built and ready), a small service offering and a 64 MiB disk offering.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../../src/db/dialect.js';
import { startServer, type TestServer } from './server.js';
import { VmFixtures } from './vm-fixtures.js';
import { until } from './until.js';
import { tinyLinuxParts } from '../../src/drivers/qemu/tiny-linux.js';
import { tcpProxy, type TcpProxy } from './tcp-proxy.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

/** Why real-QEMU tests cannot run here (false when they can): qemu and the Nimbo Tiny Linux parts are needed. */
export function qemuSkipReason(): string | false {
  const parts = tinyLinuxParts();
  if (typeof parts === 'string') return parts;
  try {
    execFileSync('qemu-system-x86_64', ['--version']);
    return false;
  } catch {
    return 'qemu-system-x86_64 is not installed';
  }
}

export interface QemuZone {
  s: TestServer;
  /** The agent processes (kill one to stand for a dead host). */
  agents: Record<'a' | 'b', ChildProcess>;
  root: string;
  /** Data dir of agent `a` and `b`. */
  dataDirs: Record<'a' | 'b', string>;
  ids: { zone: string; tpl: string; so: string; disk: string };
  /** With `proxied`: each agent's way to the server (pause one to cut its host off). */
  proxies?: Record<'a' | 'b', TcpProxy>;
  /** What each agent wrote to stderr so far (its log). */
  logs: Record<'a' | 'b', () => string>;
  close(): Promise<void>;
}

/** Pids of qemu processes whose command line names `dir` (read from /proc; nothing is killed by name). */
export function qemuPidsUnder(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.startsWith('qemu-system') && cmd.includes(dir)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

export const vmDir = (dataDir: string, instance: string) => join(dataDir, 'qemu', '0', 'vms', instance);
export const serialLog = (dataDir: string, instance: string) => {
  const p = join(vmDir(dataDir, instance), 'serial.log');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

/** Types a line on the guest's serial console (its unix socket under `vmDir`). */
export function typeOnConsole(dataDir: string, instance: string, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = createConnection(join(vmDir(dataDir, instance), 'serial.sock'));
    c.once('error', reject);
    c.once('connect', () => c.end(`${line}\n`, () => setTimeout(() => { c.destroy(); resolve(); }, 200)));
  });
}

export async function qemuZone(dialect: DialectName, o: { memoryMiB?: number; offerHa?: boolean; pingTimeoutS?: number; proxied?: boolean } = {}): Promise<QemuZone> {
  const root = mkdtempSync(join(tmpdir(), 'nimbo-qemu-zone-'));
  const agents: ChildProcess[] = [];
  const proxies: TcpProxy[] = [];
  const stderr = { a: '', b: '' };
  const s = await startServer(dialect);
  if (o.pingTimeoutS !== undefined) {
    // A short failure window (1 s pings) for HA tests; set before the agents connect.
    await s.admin.ok('updateConfiguration', { name: 'ping.interval', value: '1' });
    await s.admin.ok('updateConfiguration', { name: 'ping.timeout', value: String(o.pingTimeoutS) });
  }
  const close = async () => {
    for (const a of agents) a.kill('SIGKILL');
    for (const p of proxies) await p.close();
    // Guests outlive their agent by design; whatever a failed run left is stopped by pid.
    for (const pid of qemuPidsUnder(root)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await s.close();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const fx = new VmFixtures(s.app.db);
    await fx.init();
    const z = (await s.admin.ok('createZone', { name: 'kvmz', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
    await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
    const p = (await s.admin.ok('createPod', { name: 'p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
    const c = (await s.admin.ok('addCluster', { clustername: 'kvm1', zoneid: z.id, podid: p.id, hypervisor: 'KVM', clustertype: 'CloudManaged' }))['cluster'][0];
    await s.admin.ok('createStoragePool', { name: 'shared', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${join(root, 'primary')}` });
    await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
    await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z.id, url: `file://${join(root, 'secondary')}` });
    const TOKEN = 'qemu-zone-token';
    for (const h of ['a', 'b']) {
      await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c.id, url: `http://kvm-${h}`, hypervisor: 'KVM', username: 'root', password: TOKEN });
    }
    const dataDirs = { a: join(root, 'agent-a'), b: join(root, 'agent-b') };
    for (const h of ['a', 'b'] as const) {
      const proxy = o.proxied ? await tcpProxy(s.app.services.agents.port) : undefined;
      if (proxy) proxies.push(proxy);
      const child = spawn(process.execPath, [BIN, 'agent', '--server', proxy?.address ?? `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'qemu', '--data-dir', dataDirs[h], '--name-prefix', `kvm-${h}`], {
        env: {
          PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: TOKEN, NIMBO_QEMU_ACCEL: 'tcg', NIMBO_QEMU_TB_SIZE: '32',
          NIMBO_QEMU_MIGRATION_ADDRESS: '127.0.0.1', NIMBO_QEMU_STOP_TIMEOUT_MS: '90000',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      agents.push(child);
      // Read continuously: a full pipe would block the agent.
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr[h] = (stderr[h] + d).slice(-200_000)));
      // One agent at a time claims one waiting host.
      await until(`agent ${h} Up`, async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === agents.length, 30_000);
    }
    const tpl = await until('the built-in template ready', async () => {
      const r = await s.admin.ok('listTemplates', { templatefilter: 'featured', zoneid: z.id });
      return (r['template'] ?? []).find((t: any) => t.name === 'Nimbo Tiny Linux (default)' && t.isready);
    }, 60_000);
    const ids = {
      zone: z.id as string, tpl: tpl.id as string, so: (await fx.serviceOffering({ cpu_number: 1, cpu_speed: 500, ram_size: o.memoryMiB ?? 96, offer_ha: o.offerHa ? 1 : 0 })).uuid,
      disk: (await fx.diskOffering({ disk_size: 64 * 1024 ** 2 })).uuid,
    };
    return {
      s, root, dataDirs, ids, agents: { a: agents[0]!, b: agents[1]! }, close, logs: { a: () => stderr.a, b: () => stderr.b },
      ...(o.proxied ? { proxies: { a: proxies[0]!, b: proxies[1]! } } : {}),
    };
  } catch (e) {
    await close();
    throw e;
  }
}
