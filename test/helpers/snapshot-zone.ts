/**
 * A zone for the snapshot tests: file:// primary and secondary storage, two simulated hosts
 * served by one real `nimbo agent` child process, a service offering and a template, and
 * helpers to deploy a VM and find its ROOT volume.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../../src/db/dialect.js';
import { startServer, type ApiClient, type TestServer } from './server.js';
import { VmFixtures } from './vm-fixtures.js';
import { until as waitUntil } from './until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

export const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => waitUntil(what, f, ms, 50);

export interface SnapshotZone {
  s: TestServer;
  zoneId: string;
  zoneDbId: number;
  so: string;
  tpl: string;
  fx: VmFixtures;
  /** Deploys a running VM for `client` (admin by default); returns the VM and its ROOT volume. */
  vm(client?: ApiClient): Promise<{ id: string; hostid: string; root: { id: number; uuid: string; size: number } }>;
  close(): Promise<void>;
}

export async function snapshotZone(dialect: DialectName): Promise<SnapshotZone> {
  // The scheduler's own timer is off: tests drive it with explicit times.
  const s = await startServer(dialect, { options: { snapshotScheduler: 'false' } });
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const tmp = (p: string) => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  const fx = new VmFixtures(s.app.db);
  await fx.init();
  const z = (await s.admin.ok('createZone', { name: 'snapz', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
  await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
  const p = (await s.admin.ok('createPod', { name: 'p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
  const c = (await s.admin.ok('addCluster', { clustername: 'c1', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
  await s.admin.ok('createStoragePool', { name: 'sp', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${tmp('nimbo-pool-')}` });
  await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
  await s.admin.ok('addImageStore', { provider: 'NFS', zoneid: z.id, url: `file://${tmp('nimbo-sec-')}` });
  const TOKEN = 'snapshot-test-token';
  for (let i = 0; i < 2; i++) {
    await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c.id, url: `http://sim/c0/h${i}`, hypervisor: 'Simulator', username: 'root', password: TOKEN });
  }
  const child = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--data-dir', tmp('nimbo-agent-'), '--hosts', '2', '--cpus', '16', '--cpu-speed', '2000', '--memory', '65536'], {
    env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  await until('two hosts Up', async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === 2);
  const zoneDbId = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
  const so = (await fx.serviceOffering({ cpu_number: 1, ram_size: 256 })).uuid;
  const tpl = (await fx.template(zoneDbId)).uuid;
  return {
    s, zoneId: z.id, zoneDbId, so, tpl, fx,
    async vm(client = s.admin) {
      const vm = (await client.jobOk('deployVirtualMachine', { zoneid: z.id, serviceofferingid: so, templateid: tpl }))['virtualmachine'];
      const row = await s.app.db.kysely.selectFrom('vm_instances as v').innerJoin('hosts as h', 'h.id', 'v.host_id').select('h.uuid').where('v.uuid', '=', vm.id).executeTakeFirstOrThrow();
      const root = await s.app.db.kysely.selectFrom('volumes as vol').innerJoin('vm_instances as v', 'v.id', 'vol.vm_id').select(['vol.id', 'vol.uuid', 'vol.size'])
        .where('v.uuid', '=', vm.id).where('vol.volume_type', '=', 'ROOT').executeTakeFirstOrThrow();
      return { id: vm.id, hostid: row.uuid, root: { id: root.id, uuid: root.uuid, size: Number(root.size) } };
    },
    async close() {
      for (const ch of children) ch.kill('SIGKILL');
      await s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
