/**
 * Host failure and VM HA on real simulator agents (ping.interval 1 s × ping.timeout 3: a
 * 3 s window). A background watcher asks every Up host's agent what it runs twice a second
 * for the whole file and records any VM running on two hosts at once (there must be none).
 * - an agent killed (SIGKILL): its host goes Alert, its peers say they no longer see it, it is
 *   Down; HA VMs run elsewhere within the window + 30 s, the others are Down and startable;
 * - a host frozen (SIGSTOP) until it is declared Down and then resumed: it comes back during
 *   HA with its old copies, which are killed before it turns Up;
 * - a flapping host (pings suppressed by a mock, so it drops and reconnects): nothing restarts;
 * - a peer that still sees the lost host (CheckOnHostCommand mock): no fencing, no restart;
 * - a guest that shuts down by itself is restarted when HA-enabled; an API stop is not undone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until, type AgentProc } from '../helpers/ha-cloud.js';

const WINDOW_S = 3;

for (const dialect of dialectsUnderTest()) {
  describe(`host failure and VM HA (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let a: AgentProc;
    let b: AgentProc;
    let c: AgentProc;
    let nonHa = '';
    const violations: string[] = [];
    let watching = true;
    let watcher: Promise<void> | undefined;

    const hostsOf = async (agentIndex: number) => {
      // Hosts are named after the addHost URL order: agent i's hosts were added together.
      const rows = await s.app.db.kysely.selectFrom('hosts').select(['id', 'uuid', 'url']).where('removed', 'is', null).execute();
      return rows.filter((r) => r.url?.startsWith(`http://sim/a${agentIndex}/`));
    };

    const vmsOn = async (hostId: number) => s.app.db.kysely.selectFrom('vm_instances').select(['id', 'uuid', 'instance_name', 'ha_enabled', 'state']).where('host_id', '=', hostId).where('removed', 'is', null).execute();

    before(async () => {
      s = await startServer(dialect);
      await s.admin.ok('updateConfiguration', { name: 'ping.interval', value: '1' });
      await s.admin.ok('updateConfiguration', { name: 'ping.timeout', value: String(WINDOW_S) });
      cloud = new HaCloud(s);
      await cloud.init();
      nonHa = (await cloud.fx.serviceOffering({ offer_ha: 0 })).uuid;
      a = await cloud.addAgent(2);
      b = await cloud.addAgent(1);
      c = await cloud.addAgent(1);
      const [hb] = await hostsOf(1);
      const [hc] = await hostsOf(2);
      for (const h of [hb!, hc!]) {
        await cloud.deploy({ hostid: h.uuid });
        await cloud.deploy({ hostid: h.uuid });
        await cloud.deploy({ hostid: h.uuid, serviceofferingid: nonHa });
      }
      for (let i = 0; i < 3; i++) await cloud.deploy();
      watcher = (async () => {
        while (watching) {
          const up = await s.app.db.kysely.selectFrom('hosts').select('id').where('status', '=', 'Up').where('removed', 'is', null).execute().catch(() => []);
          const seen = new Map<string, number[]>();
          await Promise.all(up.map(async (h) => {
            const r = (await s.app.services.agents.send(h.id, { type: 'GetVmStates' }, { timeoutMs: 10_000 }).catch(() => undefined)) as Record<string, unknown> | undefined;
            for (const v of (r?.['vms'] as Array<{ instanceName: string; state: string }> | undefined) ?? []) {
              if (v.state === 'Running') seen.set(v.instanceName, [...(seen.get(v.instanceName) ?? []), h.id]);
            }
          }));
          for (const [name, on] of seen) if (on.length > 1) violations.push(`${name} on hosts ${on.join(', ')} at ${new Date().toISOString()}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
    });

    after(async () => {
      watching = false;
      await watcher;
      await cloud?.close();
      await s?.close();
    });

    /** Every VM: Running in the database ⇔ running on exactly its host per the agents. */
    const consistent = async () => {
      const running = await cloud.running();
      const rows = await s.app.db.kysely.selectFrom('vm_instances').select(['instance_name', 'state', 'host_id']).where('removed', 'is', null).execute();
      for (const r of rows) {
        if (r.state === 'Running') assert.deepEqual(running.get(r.instance_name), [r.host_id], `${r.instance_name} runs once, on its host`);
        else assert.equal(running.get(r.instance_name), undefined, `${r.instance_name} is ${r.state} and runs nowhere`);
      }
    };

    it('a killed host is declared Down by its peers; its HA VMs run elsewhere within the window + 30 s, the others are Down and startable', async () => {
      const [hb] = await hostsOf(1);
      const before = await vmsOn(hb!.id);
      assert.ok(before.length >= 3, `${before.length} VMs on the host`);
      const t0 = Date.now();
      await cloud.killAgent(b);
      const ha = before.filter((v) => v.ha_enabled === 1);
      await until('HA VMs running elsewhere', async () => {
        const rows = await s.app.db.kysely.selectFrom('vm_instances').select(['state', 'host_id']).where('id', 'in', ha.map((v) => v.id)).execute();
        return rows.every((r) => r.state === 'Running' && r.host_id !== hb!.id);
      }, (WINDOW_S + 30) * 1000);
      const elapsed = (Date.now() - t0) / 1000;
      assert.ok(elapsed <= WINDOW_S + 30, `restarted after ${elapsed} s`);
      assert.equal((await s.admin.ok('listHosts', { id: hb!.uuid }))['host'][0].state, 'Down');
      const down = before.find((v) => v.ha_enabled === 0)!;
      assert.equal((await s.admin.ok('listVirtualMachines', { id: down.uuid }))['virtualmachine'][0].state, 'Down');
      const k = s.app.db.kysely;
      const ev = await k.selectFrom('events').select(['type', 'description', 'resource_uuid']).where('resource_uuid', 'in', ha.map((v) => v.uuid)).execute();
      for (const v of ha) assert.ok(ev.some((e) => e.resource_uuid === v.uuid && /HA restarted/.test(e.description)), `HA event for ${v.instance_name}`);
      const alerts = (await s.admin.ok('listAlerts', { type: '8' }))['alert'] as any[];
      for (const v of ha) assert.ok(alerts.some((x) => x.description.includes(v.instance_name)), `ALERT.USERVM for ${v.instance_name}`);
      assert.ok(((await s.admin.ok('listAlerts', { type: '7' }))['alert'] as any[]).some((x) => /is down/.test(x.description)));
      // The owner starts the non-HA VM again; the dead host comes back empty.
      const started = await s.admin.jobOk('startVirtualMachine', { id: down.uuid });
      assert.equal(started['virtualmachine'].state, 'Running');
      cloud.startAgent(b);
      await until('host B Up again', async () => (await s.admin.ok('listHosts', { id: hb!.uuid }))['host'][0].state === 'Up', 60_000);
      await consistent();
    });

    it('a host that comes back during HA has its old copies killed before it is Up', async () => {
      const [hc] = await hostsOf(2);
      const before = await vmsOn(hc!.id);
      assert.ok(before.length >= 3, `${before.length} VMs on the host`);
      c.child!.kill('SIGSTOP');
      await until('host C Down', async () => (await s.app.db.kysely.selectFrom('hosts').select('status').where('id', '=', hc!.id).executeTakeFirstOrThrow()).status === 'Down', 60_000);
      c.child!.kill('SIGCONT');
      await until('host C Up again', async () => (await s.app.db.kysely.selectFrom('hosts').select('status').where('id', '=', hc!.id).executeTakeFirstOrThrow()).status === 'Up', 60_000);
      await until('HA VMs of C running', async () => {
        const rows = await s.app.db.kysely.selectFrom('vm_instances').select(['state']).where('id', 'in', before.filter((v) => v.ha_enabled === 1).map((v) => v.id)).execute();
        return rows.every((r) => r.state === 'Running');
      }, 60_000);
      await until('the agents agree with the database', async () => consistent().then(() => true, () => false), 30_000);
      const nonHaVm = before.find((v) => v.ha_enabled === 0)!;
      const st = (await s.app.db.kysely.selectFrom('vm_instances').select('state').where('id', '=', nonHaVm.id).executeTakeFirstOrThrow()).state;
      assert.ok(st === 'Down' || st === 'Running', `non-HA VM is ${st}`);
      const killed = await s.app.db.kysely.selectFrom('events').select('description').where('description', 'like', 'Killed a copy%').execute();
      assert.ok(st === 'Running' || killed.length >= 1, 'stale copies were killed');
    });

    it('a flapping host (pings suppressed for a while) never triggers HA', async () => {
      const [h1] = await hostsOf(0);
      const before = await vmsOn(h1!.id);
      const restartsBefore = Number((await s.app.db.kysely.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('description', 'like', 'HA restarted%').executeTakeFirstOrThrow()).n);
      await s.admin.ok('configureSimulator', { hostid: h1!.uuid, name: 'PingCommand', value: 'result:fail', count: 5 });
      await new Promise((r) => setTimeout(r, (WINDOW_S * 3 + 4) * 1000));
      await until('host Up', async () => (await s.admin.ok('listHosts', { id: h1!.uuid }))['host'][0].state === 'Up', 30_000);
      const after = await vmsOn(h1!.id);
      assert.deepEqual(after.map((v) => v.id).sort(), before.map((v) => v.id).sort(), 'its VMs stayed where they were');
      const restartsAfter = Number((await s.app.db.kysely.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('description', 'like', 'HA restarted%').executeTakeFirstOrThrow()).n);
      assert.equal(restartsAfter, restartsBefore);
      await consistent();
    });

    it('a guest that shuts down by itself is restarted when HA-enabled; an API stop is never undone', async () => {
      const vms = (await s.app.db.kysely.selectFrom('vm_instances').select(['id', 'uuid', 'instance_name', 'host_id', 'ha_enabled']).where('state', '=', 'Running').where('removed', 'is', null).execute());
      const haVm = vms.find((v) => v.ha_enabled === 1)!;
      // Stopped behind the server's back, as a guest's own shutdown looks to it.
      await s.app.services.agents.send(haVm.host_id!, { type: 'StopVm', instanceName: haVm.instance_name, force: false });
      await until('HA restart after the guest shutdown', async () => {
        const ev = await s.app.db.kysely.selectFrom('events').select('description').where('resource_uuid', '=', haVm.uuid).where('description', 'like', '%guest shut down%').execute();
        return ev.length > 0 && (await s.app.db.kysely.selectFrom('vm_instances').select('state').where('id', '=', haVm.id).executeTakeFirstOrThrow()).state === 'Running';
      }, 30_000);
      const other = vms.find((v) => v.ha_enabled === 1 && v.id !== haVm.id)!;
      await s.admin.jobOk('stopVirtualMachine', { id: other.uuid });
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal((await s.admin.ok('listVirtualMachines', { id: other.uuid }))['virtualmachine'][0].state, 'Stopped');
      await consistent();
    });

    it('while a peer still sees the lost host it is not fenced and nothing restarts; once none does, HA proceeds', async () => {
      const [hb] = await hostsOf(1);
      const vm = (await cloud.deploy({ hostid: hb!.uuid }))['virtualmachine'];
      const mock = await s.admin.ok('configureSimulator', { zoneid: cloud.zone, name: 'CheckOnHostCommand', value: 'result:fail' });
      const mockId = Object.values(mock).find((x: any) => x && typeof x === 'object' && 'id' in x)?.id ?? mock['id'];
      await cloud.killAgent(b);
      await until('host B Alert', async () => (await s.app.db.kysely.selectFrom('hosts').select('status').where('id', '=', hb!.id).executeTakeFirstOrThrow()).status === 'Alert', 60_000);
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal((await s.app.db.kysely.selectFrom('hosts').select('status').where('id', '=', hb!.id).executeTakeFirstOrThrow()).status, 'Alert', 'not fenced');
      const row = await s.app.db.kysely.selectFrom('vm_instances').select(['state', 'host_id']).where('uuid', '=', vm.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.state, row.host_id], ['Running', hb!.id], 'not restarted elsewhere');
      await s.admin.ok('cleanupSimulatorMock', { id: mockId });
      await until('restarted elsewhere', async () => {
        const r = await s.app.db.kysely.selectFrom('vm_instances').select(['state', 'host_id']).where('uuid', '=', vm.id).executeTakeFirstOrThrow();
        return r.state === 'Running' && r.host_id !== hb!.id;
      }, 60_000);
      assert.equal((await s.app.db.kysely.selectFrom('hosts').select('status').where('id', '=', hb!.id).executeTakeFirstOrThrow()).status, 'Down');
      await consistent();
    });

    it('no VM ever ran on two hosts at once', () => {
      assert.deepEqual(violations, []);
    });
  });
}
