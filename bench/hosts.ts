/**
 * Host registration at scale (issue #3): one `nimbo agent --hosts N` process registers N
 * simulated hosts (one WebSocket each) with a `nimbo server`; reports the time until all
 * are Up, the server's RSS with N hosts connected, and listHosts pagesize=500 latency.
 * NIMBO_BENCH_HOSTS (default 10000) sets N.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Bench } from './index.js';
import { envNumber, freePort, median, ROOT, rssMb, sleep, startNimbo } from './harness.js';
import { callApi } from '../src/cli/api-client.js';
import { openDb } from '../src/db/dialect.js';
import { createRegistrationToken } from '../src/agents/credentials.js';

export const HOSTS_BENCH: Bench = {
  name: 'hosts',
  description: 'Register N simulated hosts from one agent process: time to all Up, server RSS, listHosts pagesize=500',
  async run(log) {
    const n = envNumber('NIMBO_BENCH_HOSTS', 10_000);
    const agentPort = await freePort();
    const server = await startNimbo({ env: { NIMBO_AGENT_PORT: String(agentPort), NIMBO_DEMO: 'false' }, timeoutMs: 60_000 });
    const api = async (cmd: string, p: Record<string, string> = {}) => {
      const r = await callApi(cmd, p, { endpoint: server.endpoint, apiKey: server.keys.apikey, secretKey: server.keys.secretkey });
      if (r.status !== 200) throw new Error(`${cmd}: ${r.status} ${JSON.stringify(r.inner)}`);
      return r.inner as Record<string, any>;
    };
    let agent: ReturnType<typeof spawn> | undefined;
    try {
      const z = (await api('createZone', { name: 'bench', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      const p = (await api('createPod', { name: 'p', zoneid: z.id, gateway: '10.0.0.1', netmask: '255.255.0.0', startip: '10.0.0.10', endip: '10.0.0.250' }))['pod'];
      await api('addCluster', { clustername: 'c', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' });
      const db = openDb(undefined, server.dataDir);
      const c = await db.kysely.selectFrom('clusters').select(['id', 'pod_id', 'zone_id']).executeTakeFirstOrThrow();
      const token = await createRegistrationToken(db, { zoneId: c.zone_id, podId: c.pod_id, clusterId: c.id });
      await db.close();
      const t0 = performance.now();
      agent = spawn(process.execPath, [join(ROOT, 'bin', 'nimbo.js'), 'agent', '--server', `127.0.0.1:${agentPort}`, '--driver', 'simulator', '--hosts', String(n), '--data-dir', join(server.dataDir, 'agent')], {
        env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: token }, stdio: ['ignore', 'ignore', 'inherit'],
      });
      let up = 0;
      while (up < n) {
        await sleep(250);
        up = Number((await api('listHosts', { state: 'Up', page: '1', pagesize: '1' }))['count'] ?? 0);
        if (performance.now() - t0 > 300_000) throw new Error(`only ${up}/${n} hosts Up after 300 s`);
      }
      const allUpS = (performance.now() - t0) / 1000;
      log(`${n} hosts Up in ${allUpS.toFixed(1)} s`);
      await sleep(2000);
      const rss = rssMb(server.pid);
      const agentRss = rssMb(agent.pid!);
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const r = await api('listHosts', { page: String((i % Math.max(1, Math.floor(n / 500))) + 1), pagesize: '500' });
        times.push(performance.now() - t);
        if (!Array.isArray(r['host'])) throw new Error('listHosts returned no hosts');
      }
      return {
        metrics: [
          { name: `${n} hosts Up`, value: Math.round(allUpS * 10) / 10, unit: 's', goal: { op: '<', value: 60 }, detail: 'one agent process, one WebSocket per host, cluster registration token' },
          { name: `server RSS with ${n} hosts`, value: Math.round(rss), unit: 'MB', goal: { op: '<', value: 600 } },
          { name: 'listHosts pagesize=500', value: Math.round(median(times) * 10) / 10, unit: 'ms', goal: { op: '<', value: 50 }, detail: 'median of 20 signed requests, HTTP round trip' },
          { name: `agent RSS for ${n} hosts`, value: Math.round(agentRss), unit: 'MB' },
        ],
        info: { hosts: n, times },
      };
    } finally {
      agent?.kill('SIGKILL');
      await server.stop();
    }
  },
};
