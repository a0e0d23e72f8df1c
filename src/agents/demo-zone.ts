/**
 * `npm start` on a new database: an Advanced zone with a physical network (guest VLANs
 * 100-199), a pod, a Simulator cluster of four hosts served by a child `nimbo agent`
 * the server manages, file:// primary and secondary storage under the data dir and a
 * public IP range. Built through the infra services; off with NIMBO_DEMO=false.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Db } from '../db/dialect.js';
import type { Services } from '../services/index.js';
import { SYSTEM_CALLER } from '../services/vms/area.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

/** True when no zone exists yet (a new database). */
export async function isNewCloud(db: Db): Promise<boolean> {
  return !(await db.kysely.selectFrom('zones').select('id').limit(1).executeTakeFirst());
}

/** Creates the demo zone; returns the cluster registration token for the demo agent. */
export async function buildDemoZone(services: Services, dataDir: string, log: Logger): Promise<string> {
  const c = SYSTEM_CALLER;
  const zone = await services.zones.create(c, { name: 'Demo', networkType: 'Advanced', dns1: '8.8.8.8', internalDns1: '10.0.0.2', guestCidr: '10.1.1.0/24' });
  const pn = await services.physicalNetworks.create({ zoneId: zone.id, name: 'demo-physical', vlan: '100-199', isolationMethods: ['VLAN'] });
  for (const t of ['Guest', 'Public', 'Management', 'Storage']) {
    await services.networkProviders.addTrafficType(pn.id, { trafficType: t, labels: {} }).catch((err: Error) => log.warn({ err }, `demo zone: traffic type ${t}`));
  }
  const pod = await services.pods.create(c, zone.id, { name: 'Demo-Pod', gateway: '172.16.15.1', netmask: '255.255.255.0', startIp: '172.16.15.10', endIp: '172.16.15.200' });
  const cluster = await services.clusters.create(c, { name: 'Demo-Cluster', zoneId: zone.id, podId: pod.id, hypervisor: 'Simulator', clusterType: 'CloudManaged' });
  const primary = join(dataDir, 'demo', 'primary');
  const secondary = join(dataDir, 'demo', 'secondary');
  mkdirSync(primary, { recursive: true });
  mkdirSync(secondary, { recursive: true });
  await services.storagePools.create(c, { name: 'Demo-Primary', url: `file://${primary}`, zoneId: zone.id, podId: pod.id, clusterId: cluster.id, scope: 'CLUSTER' });
  await services.imageStores.create(c, { name: 'Demo-Secondary', url: `file://${secondary}`, zoneId: zone.id, provider: 'NFS' });
  await services.vlanRanges.create(c, { zoneId: zone.id, physicalNetworkId: pn.id, vlan: 'untagged', gateway: '192.168.2.1', netmask: '255.255.255.0', startIp: '192.168.2.2', endIp: '192.168.2.200', forVirtualNetwork: true });
  await services.zones.update(c, zone.id, { allocationState: 'Enabled' });
  const token = await services.agents.createRegistrationToken({ zoneId: zone.id, podId: pod.id, clusterId: cluster.id, uses: 4 });
  log.info('demo zone created: zone Demo, 4 simulated hosts, primary and secondary storage under the data dir');
  return token;
}

/** The demo agent: 4 simulated hosts; started with the token once, later with its stored secrets. */
export function startDemoAgent(port: number, dataDir: string, token: string | undefined, log: Logger): ChildProcess | undefined {
  const dir = join(dataDir, 'demo-agent');
  if (!token && !existsSync(join(dir, 'agent-hosts.json'))) return undefined;
  const child = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${port}`, '--driver', 'simulator', '--hosts', '4', '--data-dir', dir, '--name-prefix', 'demo-host'], {
    // stdin is a pipe the agent watches: it exits with the server, even a killed one.
    env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_EXIT_WITH_PARENT: '1', ...(token ? { NIMBO_AGENT_TOKEN: token } : {}) }, stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.on('exit', (code, sig) => {
    if (sig !== 'SIGTERM') log.warn(`demo agent exited (${code ?? sig})`);
  });
  return child;
}
