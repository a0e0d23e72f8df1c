/**
 * A zone for the volume tests: one cluster with two simulated hosts served by a real
 * `nimbo agent` child process, two cluster pools (one tagged `ssd`) of known capacity, a
 * zone-wide pool tagged `zonewide`, a template, a service offering and disk offerings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../../src/db/dialect.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';
import { until as waitUntil } from '../helpers/until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));
export const GiB = 1024 ** 3;
export const POOL_BYTES = 100 * GiB;

export const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => waitUntil(what, f, ms, 100);

export interface VolumeZone {
  s: TestServer;
  zone: string;
  pod: string;
  cluster: string;
  hosts: string[];
  /** Pool UUIDs: plain (no tags), ssd (tag ssd), zonewide (ZONE scope, tag zonewide). */
  pools: { plain: string; ssd: string; zonewide: string; far?: string };
  /** With `far`: a second cluster (allocation Disabled, so nothing lands there unasked) with one host and a pool tagged ssd. */
  far?: { cluster: string; host: string };
  so: string;
  tpl: string;
  /** Disk offerings: 5 GB untagged, 5 GB ssd, custom untagged, 5 GB tagged `nowhere`. */
  offerings: { small: string; ssd: string; custom: string; nowhere: string; zonewide: string };
  close(): Promise<void>;
  pool(uuid: string): Promise<{ id: number; allocated: number; status: string }>;
  deploy(extra?: Record<string, string | boolean>, as?: { jobOk: TestServer['admin']['jobOk'] }): Promise<any>;
  /** What the agent's storage holds for a volume (GetVolumeStats through a host). */
  agentVolume(uuid: string): Promise<{ uuid: string; path: string; size: number; instanceName?: string } | undefined>;
}

export async function volumeZone(dialect: DialectName, token: string, opts: { far?: boolean } = {}): Promise<VolumeZone> {
  const s = await startServer(dialect);
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const fx = new VmFixtures(s.app.db);
  await fx.init();
  const z = (await s.admin.ok('createZone', { name: 'vz', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
  await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
  const p = (await s.admin.ok('createPod', { name: 'vp', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
  const c = (await s.admin.ok('addCluster', { clustername: 'vc', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
  const pool = async (name: string, extra: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), `nimbo-${name}-`));
    dirs.push(dir);
    return (await s.admin.ok('createStoragePool', { name, zoneid: z.id, url: `file://${dir}`, capacitybytes: POOL_BYTES, ...extra }))['storagepool'].id as string;
  };
  const pools: VolumeZone['pools'] = {
    plain: await pool('plain', { podid: p.id, clusterid: c.id }),
    ssd: await pool('ssd', { podid: p.id, clusterid: c.id, tags: 'ssd' }),
    zonewide: await pool('zonewide', { scope: 'zone', hypervisor: 'Simulator', tags: 'zonewide' }),
  };
  for (let i = 0; i < 2; i++) {
    await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c.id, url: `http://sim/c0/h${i}`, hypervisor: 'Simulator', username: 'root', password: token });
  }
  let far: { cluster: string; host: string } | undefined;
  if (opts.far) {
    const c2 = (await s.admin.ok('addCluster', { clustername: 'far', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
    (pools as VolumeZone['pools']).far = await pool('far', { podid: p.id, clusterid: c2.id, tags: 'ssd' });
    const h = (await s.admin.ok('addHost', { zoneid: z.id, podid: p.id, clusterid: c2.id, url: 'http://sim/c1/h0', hypervisor: 'Simulator', username: 'root', password: token }))['host'][0];
    await s.admin.ok('updateCluster', { id: c2.id, allocationstate: 'Disabled' });
    far = { cluster: c2.id, host: h.id };
  }
  const hostCount = opts.far ? 3 : 2;
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbo-agent-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--data-dir', dataDir, '--hosts', String(hostCount), '--cpus', '4', '--cpu-speed', '1000', '--memory', '4096'], {
    env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: token }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const all = await until('the hosts Up', async () => {
    const r = await s.admin.ok('listHosts', { state: 'Up' });
    return r['count'] === hostCount ? r['host'] : undefined;
  });
  const up = all.filter((h: any) => h.id !== far?.host);
  const zoneId = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
  const offering = async (name: string, extra: Record<string, string | number | boolean>) => (await s.admin.ok('createDiskOffering', { name, ...extra }))['diskoffering'].id as string;
  const so = (await fx.serviceOffering()).uuid;
  const tpl = (await fx.template(zoneId)).uuid;
  const vz: VolumeZone = {
    s, zone: z.id, pod: p.id, cluster: c.id, hosts: up.map((h: any) => h.id), pools, so, tpl, ...(far ? { far } : {}),
    offerings: {
      small: await offering('small', { disksize: 5 }), ssd: await offering('fast', { disksize: 5, tags: 'ssd' }),
      custom: await offering('custom', { customized: true }), nowhere: await offering('nowhere', { disksize: 5, tags: 'nowhere' }),
      zonewide: await offering('zw', { disksize: 5, tags: 'zonewide' }),
    },
    async close() {
      for (const ch of children) ch.kill('SIGKILL');
      await s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
    async pool(uuid) {
      const r = await s.app.db.kysely.selectFrom('storage_pools').select(['id', 'allocated_bytes', 'status']).where('uuid', '=', uuid).executeTakeFirstOrThrow();
      return { id: r.id, allocated: Number(r.allocated_bytes), status: r.status };
    },
    async deploy(extra = {}, as = s.admin) {
      return (await as.jobOk('deployVirtualMachine', { zoneid: z.id, serviceofferingid: so, templateid: tpl, ...extra }))['virtualmachine'];
    },
    async agentVolume(uuid) {
      // Storage is shared by the agent's hosts; the VM a disk is attached to is known to its own host.
      let found: { uuid: string; path: string; size: number; instanceName?: string } | undefined;
      for (const h of all) {
        const host = await s.app.db.kysely.selectFrom('hosts').select('id').where('uuid', '=', h.id).executeTakeFirstOrThrow();
        const r = (await s.app.services.agents.send(host.id, { type: 'GetVolumeStats', volumeUuids: [uuid] })) as { volumes?: any[] };
        const v = r.volumes?.[0];
        if (v && (!found || v.instanceName)) found = v;
      }
      return found;
    },
  };
  return vz;
}
