/**
 * Hosts over the real agent protocol: real server, real `nimbo agent` child processes with
 * the simulator driver. Registration by addHost token, capacity as reported, heartbeat
 * loss → Disconnected/Alert, refusal of strangers, configureSimulator fault injection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { expectError } from './infra-helpers.js';
import { until as waitUntil } from '../helpers/until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));

function agent(port: number, dataDir: string, args: string[], token?: string): ChildProcess & { exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${port}`, '--driver', 'simulator', '--data-dir', dataDir, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...(token ? { NIMBO_AGENT_TOKEN: token } : {}) }, stdio: ['ignore', 'ignore', process.env['NIMBO_TEST_AGENT_LOG'] ? 'inherit' : 'ignore'],
  }) as ChildProcess & { exited: Promise<number | null> };
  child.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  return child;
}

const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => waitUntil(what, f, ms, 100);

for (const dialect of dialectsUnderTest()) {
  describe(`hosts and agents (${dialect})`, () => {
    let s: TestServer;
    let port: number;
    const children: ChildProcess[] = [];
    const dirs: string[] = [];
    const tmp = () => {
      const d = mkdtempSync(join(tmpdir(), 'nimbo-agent-'));
      dirs.push(d);
      return d;
    };
    const ids: Record<string, string> = {};
    const TOKEN = 'token-for-four-hosts';

    before(async () => {
      s = await startServer(dialect);
      port = s.app.services.agents.port;
      await s.admin.ok('updateConfiguration', { name: 'ping.interval', value: '1' });
      await s.admin.ok('updateConfiguration', { name: 'ping.timeout', value: '2' });
      const z = (await s.admin.ok('createZone', { name: 'z1', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      const p = (await s.admin.ok('createPod', { name: 'p1', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
      const c = (await s.admin.ok('addCluster', { clustername: 'c1', zoneid: z.id, podid: p.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
      Object.assign(ids, { zone: z.id, pod: p.id, cluster: c.id });
    });

    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      await s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('addHost records hosts waiting for their agent; the agent claims them and they come Up with its capacity', async () => {
      for (let i = 0; i < 2; i++) {
        const r = await s.admin.ok('addHost', { zoneid: ids['zone']!, podid: ids['pod']!, clusterid: ids['cluster']!, url: `http://sim/c0/h${i}`, hypervisor: 'Simulator', username: 'root', password: TOKEN, hosttags: 'ssd' });
        assert.equal(r['host'][0].state, 'Connecting');
        assert.equal(r['host'][0].type, 'Routing');
      }
      expectError(await s.admin.call('addHost', { zoneid: ids['zone']!, podid: ids['pod']!, clusterid: ids['cluster']!, url: 'http://sim/x', hypervisor: 'KVM', password: TOKEN }), 431, /runs Simulator/);
      const a = agent(port, tmp(), ['--hosts', '2', '--cpus', '8', '--cpu-speed', '2400', '--memory', '16384'], TOKEN);
      children.push(a);
      const up = await until('two hosts Up', async () => {
        const r = await s.admin.ok('listHosts', { state: 'Up' });
        return r['count'] === 2 ? r['host'] : undefined;
      });
      for (const h of up) {
        assert.equal(h.cpunumber, 8);
        assert.equal(h.cpuspeed, 2400);
        assert.equal(h.memorytotal, 16384 * 1024 * 1024);
        assert.equal(h.hypervisor, 'Simulator');
        assert.equal(h.resourcestate, 'Enabled');
        assert.equal(h.clustername, 'c1');
        assert.equal(h.zonename, 'z1');
        assert.equal(h.hosttags, 'ssd');
        assert.ok(h.lastpinged);
      }
      ids['host0'] = up[0].id;
      ids['host1'] = up[1].id;
    });

    it('services.agents.send reaches the host; configureSimulator makes the next StartVm fail once', async () => {
      const agents = s.app.services.agents;
      const row = await s.app.db.kysely.selectFrom('hosts').select('id').where('uuid', '=', ids['host0']!).executeTakeFirstOrThrow();
      const start = { type: 'StartVm' as const, instanceName: 'i-2-1-VM', cpus: 1, cpuSpeed: 500, memoryMiB: 512, disks: [] };
      const mock = await s.admin.ok('configureSimulator', { name: 'StartCommand', value: 'result:fail', hostid: ids['host0']!, count: 1 });
      assert.equal(mock['null'].name, 'StartCommand');
      assert.deepEqual(await agents.send(row.id, start), { result: false, details: 'Simulated failure' });
      assert.deepEqual(await agents.send(row.id, start), { result: true });
      const states = await agents.send(row.id, { type: 'GetVmStates' });
      assert.deepEqual(states, { result: true, vms: [{ instanceName: 'i-2-1-VM', state: 'Running' }] });
      expectError(await s.admin.call('configureSimulator', { name: 'StartCommand', value: 'colour:red' }), 431, /Unknown simulator mock key/);
      await s.admin.ok('cleanupSimulatorMock', { id: mock['null'].id });
      await assert.rejects(agents.send(999_999, start), /not connected/);
    });

    it('a stranger with a wrong token is refused and no host is created', async () => {
      const before = (await s.admin.ok('listHosts', {}))['count'];
      const a = agent(port, tmp(), ['--hosts', '1'], 'not-the-right-token');
      children.push(a);
      assert.equal(await a.exited, 2);
      assert.equal((await s.admin.ok('listHosts', {}))['count'], before);
    });

    it('killing the agent turns its hosts Disconnected then Alert; a restart with the stored secret brings them Up', async () => {
      const dir = tmp();
      const c = await s.app.db.kysely.selectFrom('clusters').select(['id', 'pod_id', 'zone_id']).executeTakeFirstOrThrow();
      const token2 = await s.app.services.agents.createRegistrationToken({ zoneId: c.zone_id, podId: c.pod_id, clusterId: c.id, uses: 1 });
      const a = agent(port, dir, ['--hosts', '1', '--name-prefix', 'selfreg'], token2);
      children.push(a);
      const h = await until('self-registered host Up', async () => {
        const r = await s.admin.ok('listHosts', { name: 'selfreg-0' });
        return r['host']?.[0]?.state === 'Up' ? r['host'][0] : undefined;
      });
      assert.equal(h.cpunumber, 4);
      assert.equal(h.cpuspeed, 8000);
      await new Promise((r) => setTimeout(r, 300)); // the agent writes its secret
      a.kill('SIGKILL');
      const t0 = Date.now();
      await until('Disconnected', async () => ['Disconnected', 'Alert', 'Down'].includes((await s.admin.ok('listHosts', { id: h.id }))['host'][0].state));
      // Alert, then Down as soon as peers of its cluster confirm they no longer see it (HA, docs/ha.md).
      await until('Alert', async () => ['Alert', 'Down'].includes((await s.admin.ok('listHosts', { id: h.id }))['host'][0].state));
      assert.ok(Date.now() - t0 < 10_000, 'within the heartbeat window');
      // The token was for one use; the stored secret still lets the same host back in.
      const b = agent(port, dir, ['--hosts', '1', '--name-prefix', 'selfreg']);
      children.push(b);
      await until('Up again', async () => (await s.admin.ok('listHosts', { id: h.id }))['host'][0].state === 'Up');
      assert.equal((await s.admin.ok('listHosts', { name: 'selfreg-0' }))['count'], 1);
    });

    it('nimbo agent token prints a self-registration token an agent can join with', async () => {
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(process.execPath, [BIN, 'agent', 'token', '--cluster', ids['cluster']!, '--uses', '1'], {
        env: { PATH: process.env['PATH'] ?? '', ...(s.db.url ? { NIMBO_DB_URL: s.db.url } : {}), NIMBO_DATA_DIR: s.db.dataDir }, encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const token = r.stdout.trim();
      assert.ok(token.length >= 40);
      children.push(agent(port, tmp(), ['--hosts', '1', '--name-prefix', 'cli'], token));
      await until('cli host Up', async () => (await s.admin.ok('listHosts', { name: 'cli-0' }))['host']?.[0]?.state === 'Up');
    });

    it('a host whose pings stop (PingCommand mock) goes Disconnected', async () => {
      await s.admin.ok('configureSimulator', { name: 'PingCommand', value: 'result:fail', hostid: ids['host1']! });
      await until('host1 Disconnected', async () => ['Disconnected', 'Alert'].includes((await s.admin.ok('listHosts', { id: ids['host1']! }))['host'][0].state), 15_000);
    });

    it('updateHost, reconnectHost, deleteHost', async () => {
      const u = (await s.admin.ok('updateHost', { id: ids['host0']!, hosttags: 'gpu,fast', allocationstate: 'Disable' }))['host'];
      assert.equal(u.hosttags, 'gpu,fast');
      assert.equal(u.resourcestate, 'Disabled');
      expectError(await s.admin.call('updateHost', { id: ids['host0']!, allocationstate: 'Sideways' }), 431);
      const r = await s.admin.jobOk('reconnectHost', { id: ids['host0']! });
      assert.equal(r['host'].state, 'Up');
      expectError(await s.admin.call('deleteHost', { id: ids['host0']! }), 431, /maintenance/);
      await s.admin.ok('deleteHost', { id: ids['host0']!, forced: true });
      assert.equal((await s.admin.ok('listHosts', { id: ids['host0']! }))['count'] ?? 0, 0);
    });

    it('forty hosts added with one password are all claimed by forty connections arriving at once', async () => {
      const c = (await s.admin.ok('addCluster', { clustername: 'c-many', zoneid: ids['zone']!, podid: ids['pod']!, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
      const many = 'token-for-forty-hosts';
      for (let i = 0; i < 40; i++) {
        await s.admin.ok('addHost', { zoneid: ids['zone']!, podid: ids['pod']!, clusterid: c.id, url: `http://sim/many/h${i}`, hypervisor: 'Simulator', username: 'root', password: many });
      }
      children.push(agent(port, tmp(), ['--hosts', '40', '--name-prefix', 'many'], many));
      await until('forty hosts Up', async () => (await s.admin.ok('listHosts', { clusterid: c.id, state: 'Up' }))['count'] === 40, 60_000);
    });
  });
}
