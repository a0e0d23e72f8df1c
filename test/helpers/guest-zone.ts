/**
 * An Advanced zone with guest networking for VM and router tests: a physical network with
 * Guest and Public traffic and a guest VLAN range, a public IP range, one pod/cluster/pool,
 * and simulator hosts served by one real `nimbo agent` child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server.js';
import { VmFixtures } from './vm-fixtures.js';
import { until as waitUntil } from './until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

export const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => waitUntil(what, f, ms, 100);

export interface GuestZone {
  zone: string; zoneId: number; so: string; tpl: string; hosts: string[];
  /** Kills the agent and removes its directories. */
  close(): void;
  /** What the simulator host running `instanceName` holds (spec with NICs, applied router document). */
  simulated(instanceName: string): Promise<any>;
}

/**
 * The zone, physical network (Guest and Public traffic, guest VLANs), untagged public range
 * (`<publicNet>.1` gateway, `.10` onwards), pod and cluster; enabled.
 */
export async function advancedZone(s: TestServer, o: { vlans: string; hypervisor: string; publicNet?: string; dns1?: string; publicRange?: PublicRange }): Promise<{ z: any; p: any; c: any }> {
  const net = o.publicNet ?? '198.51.100';
  const z = (await s.admin.ok('createZone', { name: 'gz', networktype: 'Advanced', dns1: o.dns1 ?? '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
  const pn = (await s.admin.jobOk('createPhysicalNetwork', { zoneid: z.id, name: 'pn', vlan: o.vlans }))['physicalnetwork'].id;
  await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Public' });
  await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Guest' });
  await s.admin.ok('createVlanIpRange', { zoneid: z.id, vlan: 'untagged', forvirtualnetwork: 'true', ...(o.publicRange ?? { gateway: `${net}.1`, netmask: '255.255.255.0', startip: `${net}.10`, endip: `${net}.250` }) });
  await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
  const p = (await s.admin.ok('createPod', { name: 'p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
  const c = (await s.admin.ok('addCluster', { clustername: 'c1', zoneid: z.id, podid: p.id, hypervisor: o.hypervisor, clustertype: 'CloudManaged' }))['cluster'][0];
  return { z, p, c };
}

export interface PublicRange { gateway: string; netmask: string; startip: string; endip: string }

export interface GuestZoneOptions {
  hosts?: number;
  vlans?: string;
  /** The address the agent connects to (default the server's agent port; a proxy to cut it off). */
  server?: string;
  /** The public range (default 198.51.100.10-250/24). */
  publicRange?: PublicRange;
  /** Each simulated host's size (default 8 CPUs, 16 GiB). */
  cpus?: number;
  memoryMiB?: number;
}

export async function guestZone(s: TestServer, o: GuestZoneOptions = {}): Promise<GuestZone> {
  const n = o.hosts ?? 2;
  const fx = new VmFixtures(s.app.db);
  await fx.init();
  const { z, p, c } = await advancedZone(s, { vlans: o.vlans ?? '700-799', hypervisor: 'Simulator', ...(o.publicRange ? { publicRange: o.publicRange } : {}) });
  const dirs: string[] = [];
  const poolDir = mkdtempSync(join(tmpdir(), 'nimbo-pool-'));
  dirs.push(poolDir);
  await s.admin.ok('createStoragePool', { name: 'sp', zoneid: z.id, podid: p.id, clusterid: c.id, url: `file://${poolDir}` });
  await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
  const TOKEN = 'guest-zone-token';
  for (let i = 0; i < n; i++) {
    await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c.id, url: `http://sim/gz/h${i}`, hypervisor: 'Simulator', username: 'root', password: TOKEN });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbo-agent-'));
  dirs.push(dataDir);
  const children: ChildProcess[] = [];
  const child = spawn(process.execPath, [BIN, 'agent', '--server', o.server ?? `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--data-dir', dataDir, '--hosts', String(n), '--cpus', String(o.cpus ?? 8), '--cpu-speed', '2000', '--memory', String(o.memoryMiB ?? 16384)], {
    env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const up = await until('hosts Up', async () => {
    const r = await s.admin.ok('listHosts', { state: 'Up', zoneid: z.id });
    return r['count'] === n ? r['host'] : undefined;
  });
  const zoneId = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
  return {
    zone: z.id, zoneId, so: (await fx.serviceOffering()).uuid, tpl: (await fx.template(zoneId)).uuid, hosts: up.map((h: any) => h.id),
    close() {
      for (const ch of children) ch.kill('SIGKILL');
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
    async simulated(instanceName: string) {
      const vm = await s.app.db.kysely.selectFrom('vm_instances').select(['host_id']).where('instance_name', '=', instanceName).where('removed', 'is', null).executeTakeFirstOrThrow();
      if (vm.host_id === null) return undefined;
      const r = (await s.app.services.agents.send(vm.host_id, { type: 'QuerySimulator', instanceName })) as any;
      return r.vms?.[0];
    },
  };
}
