/**
 * Chaos: for a fixed time (NIMBO_CHAOS_MS, default 3 minutes) random host kills and restarts
 * (SIGKILL of single-host agents) mixed with random deploys, stops, starts and destroys, while
 * a watcher asks every Up host's agent twice a second what it runs. Afterwards every VM is
 * consistent (Running in the database ⇔ running on exactly its host), no VM ever ran twice,
 * and each host's allocated CPU and memory equal the sum of its VMs'. The counts are printed.
 * Runs on SQLite only (CI time: three minutes, not nine) unless NIMBO_CHAOS_ALL is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until, type AgentProc } from '../helpers/ha-cloud.js';

const DURATION_MS = Number(process.env['NIMBO_CHAOS_MS'] ?? 180_000);
const dialects = process.env['NIMBO_CHAOS_ALL'] ? dialectsUnderTest() : dialectsUnderTest().filter((d) => d === 'sqlite');
const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const dialect of dialects) {
  describe(`chaos: host failures under load (${dialect})`, { timeout: DURATION_MS + 300_000 }, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let nonHa = '';
    const agents: AgentProc[] = [];
    const dead = new Set<AgentProc>();
    const violations: string[] = [];
    const counts: Record<string, number> = {};
    const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);

    before(async () => {
      s = await startServer(dialect);
      await s.admin.ok('updateConfiguration', { name: 'ping.interval', value: '1' });
      await s.admin.ok('updateConfiguration', { name: 'ping.timeout', value: '3' });
      await s.admin.ok('updateConfiguration', { name: 'expunge.delay', value: '1' });
      cloud = new HaCloud(s, { cpus: 8, cpuSpeed: 1000, memoryMiB: 8192 });
      await cloud.init();
      nonHa = (await cloud.fx.serviceOffering({ offer_ha: 0 })).uuid;
      for (let i = 0; i < 4; i++) agents.push(await cloud.addAgent(1));
    });

    after(async () => {
      await cloud?.close();
      await s?.close();
    });

    it(`runs ${DURATION_MS / 1000} s of random failures and operations and ends consistent`, async () => {
      const k = s.app.db.kysely;
      const end = Date.now() + DURATION_MS;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const up = await k.selectFrom('hosts').select('id').where('status', '=', 'Up').where('removed', 'is', null).execute().catch(() => []);
          const seen = new Map<string, number[]>();
          await Promise.all(up.map(async (h) => {
            const r = (await s.app.services.agents.send(h.id, { type: 'GetVmStates' }, { timeoutMs: 10_000 }).catch(() => undefined)) as Record<string, unknown> | undefined;
            for (const v of (r?.['vms'] as Array<{ instanceName: string; state: string }> | undefined) ?? []) {
              if (v.state === 'Running') seen.set(v.instanceName, [...(seen.get(v.instanceName) ?? []), h.id]);
            }
          }));
          for (const [name, on] of seen) if (on.length > 1) violations.push(`${name} on hosts ${on.join(', ')}`);
          await sleep(500);
        }
      })();
      const vmsIn = async (states: string[]) => (await k.selectFrom('vm_instances').select('uuid').where('state', 'in', states).where('removed', 'is', null).execute()).map((r) => r.uuid);
      const attempt = async (name: string, f: () => Promise<Record<string, any>>) => {
        const j = await f().catch(() => ({ jobstatus: 2 }));
        count(`${name}.${j['jobstatus'] === 1 ? 'ok' : 'failed'}`);
      };
      const worker = async () => {
        while (Date.now() < end) {
          const r = Math.random();
          if (r < 0.3) await attempt('deploy', () => s.admin.job('deployVirtualMachine', { zoneid: cloud.zone, templateid: cloud.tpl, serviceofferingid: Math.random() < 0.7 ? cloud.so : nonHa }));
          else if (r < 0.45) { const v = pick(await vmsIn(['Running'])); if (v) await attempt('stop', () => s.admin.job('stopVirtualMachine', { id: v })); }
          else if (r < 0.6) { const v = pick(await vmsIn(['Stopped', 'Down'])); if (v) await attempt('start', () => s.admin.job('startVirtualMachine', { id: v })); }
          else if (r < 0.7) { const v = pick(await vmsIn(['Running', 'Stopped', 'Down'])); if (v) await attempt('destroy', () => s.admin.job('destroyVirtualMachine', { id: v, expunge: Math.random() < 0.5 })); }
          else await sleep(300);
        }
      };
      const chaosMonkey = async () => {
        while (Date.now() < end) {
          await sleep(8000 + Math.random() * 8000);
          if (Date.now() >= end) break;
          const restart = pick([...dead]);
          if (restart && Math.random() < 0.6) {
            cloud.startAgent(restart);
            dead.delete(restart);
            count('host.restart');
          } else if (dead.size < 2) {
            const victim = pick(agents.filter((a) => !dead.has(a)));
            if (victim) {
              await cloud.killAgent(victim);
              dead.add(victim);
              count('host.kill');
            }
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), chaosMonkey()]);
      for (const a of dead) cloud.startAgent(a);
      dead.clear();
      await until('every host Up', async () => (await k.selectFrom('hosts').select('id').where('status', '!=', 'Up').where('removed', 'is', null).execute()).length === 0, 120_000);
      await until('no VM in transition', async () => (await vmsIn(['Starting', 'Stopping', 'Migrating', 'Expunging'])).length === 0, 120_000);
      await until('HA VMs no longer Down', async () => (await k.selectFrom('vm_instances').select('id').where('state', '=', 'Down').where('ha_enabled', '=', 1).where('removed', 'is', null).execute()).length === 0, 120_000);
      await sleep(3000);
      watching = false;
      await watcher;

      // Consistency with what the hypervisors run.
      const running = await cloud.running();
      const rows = await k.selectFrom('vm_instances as v').innerJoin('service_offerings as o', 'o.id', 'v.service_offering_id')
        .select(['v.instance_name', 'v.state', 'v.host_id', 'o.cpu_number', 'o.cpu_speed', 'o.ram_size']).where('v.removed', 'is', null).execute();
      const want = new Map<number, { cpu: number; mem: number }>();
      const states: Record<string, number> = {};
      for (const r of rows) {
        states[r.state] = (states[r.state] ?? 0) + 1;
        if (r.state === 'Running') {
          assert.deepEqual(running.get(r.instance_name), [r.host_id], `${r.instance_name} runs once, on its host`);
          const w = want.get(r.host_id!) ?? { cpu: 0, mem: 0 };
          w.cpu += Number(r.cpu_number) * Number(r.cpu_speed);
          w.mem += Number(r.ram_size) * 1024 * 1024;
          want.set(r.host_id!, w);
        } else assert.equal(running.get(r.instance_name), undefined, `${r.instance_name} is ${r.state} and runs nowhere`);
      }
      for (const [name] of running) assert.ok(rows.some((r) => r.instance_name === name), `${name} runs but the server does not know it`);
      // Capacity: what each host has allocated is the sum of its Running VMs.
      for (const h of await k.selectFrom('hosts').select(['id', 'cpu_allocated', 'memory_allocated']).where('removed', 'is', null).execute()) {
        assert.equal(Number(h.cpu_allocated), want.get(h.id)?.cpu ?? 0, `host ${h.id} CPU allocated`);
        assert.equal(Number(h.memory_allocated), want.get(h.id)?.mem ?? 0, `host ${h.id} memory allocated`);
      }
      const ha = await k.selectFrom('events').select('id').where('description', 'like', 'HA restarted%').execute();
      counts['ha.restarts'] = ha.length;
      counts['ha.vmsDown'] = (await k.selectFrom('events').select('id').where('description', 'like', '%is Down: its host%').execute()).length;
      counts['ha.failed'] = (await k.selectFrom('events').select('id').where('description', 'like', 'HA could not%').execute()).length;
      counts['fenced'] = (await k.selectFrom('events').select('id').where('description', 'like', 'Killed a copy%').execute()).length;
      counts['reportedStopped'] = (await k.selectFrom('events').select('id').where('description', 'like', '%reported stopped by its host%').execute()).length;
      console.log(`chaos (${dialect}, ${DURATION_MS / 1000} s): ${JSON.stringify({ ...counts, finalStates: states, violations: violations.length })}`);
      assert.deepEqual(violations, [], 'no VM ever ran on two hosts');
      assert.ok((counts['host.kill'] ?? 0) > 0 && (counts['deploy.ok'] ?? 0) > 0, 'the run did something');
    });
  });
}
