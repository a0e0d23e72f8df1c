/**
 * Host maintenance on real simulator agents: 50 VMs across 4 hosts; preparing a host
 * live-migrates its VMs to the others of the cluster (Maintenance), it stays in maintenance
 * across an agent restart, deleteHost works only then; a VM no other host can take (host
 * tag) leaves its host in ErrorInMaintenance with the reason, an event and an alert;
 * cancelling returns the host to the pool and nothing migrates back. Every VM runs on exactly
 * one hypervisor throughout (asked of the agents) and host capacity equals what VMs hold.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until, type AgentProc } from '../helpers/ha-cloud.js';

for (const dialect of dialectsUnderTest()) {
  describe(`host maintenance (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let lone: AgentProc;
    let hosts: Array<{ id: string; name: string }> = [];
    const vmIds: string[] = [];

    before(async () => {
      s = await startServer(dialect);
      cloud = new HaCloud(s);
      await cloud.init();
      await cloud.addAgent(3);
      lone = await cloud.addAgent(1);
      hosts = (await s.admin.ok('listHosts', {}))['host'];
      assert.equal(hosts.length, 4);
      // 50 VMs, ten deploys at a time, spread by the random allocator.
      for (let i = 0; i < 50; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => cloud.deploy()));
        for (const v of batch) vmIds.push(v['virtualmachine'].id);
      }
    });

    after(async () => {
      await cloud?.close();
      await s?.close();
    });

    const byHost = async () => {
      const vms = (await s.admin.ok('listVirtualMachines', { listall: true, page: 1, pagesize: 500 }))['virtualmachine'] as any[];
      const m = new Map<string, string[]>();
      for (const v of vms) if (v.state === 'Running') m.set(v.hostid, [...(m.get(v.hostid) ?? []), v.id]);
      return { vms, m };
    };

    /** Every Running VM runs on exactly its host, per the agents; capacity = sum of what VMs hold. */
    const consistent = async () => {
      const running = await cloud.running();
      const k = s.app.db.kysely;
      const rows = await k.selectFrom('vm_instances as v').innerJoin('service_offerings as o', 'o.id', 'v.service_offering_id')
        .select(['v.instance_name', 'v.state', 'v.host_id', 'o.cpu_number', 'o.cpu_speed', 'o.ram_size']).where('v.removed', 'is', null).execute();
      const want = new Map<number, { cpu: number; mem: number }>();
      for (const r of rows) {
        const on = running.get(r.instance_name) ?? [];
        if (r.state === 'Running') {
          assert.deepEqual(on, [r.host_id], `${r.instance_name} should run once, on host ${r.host_id}; agents say ${JSON.stringify(on)}`);
          const w = want.get(r.host_id!) ?? { cpu: 0, mem: 0 };
          w.cpu += Number(r.cpu_number) * Number(r.cpu_speed);
          w.mem += Number(r.ram_size) * 1024 * 1024;
          want.set(r.host_id!, w);
        } else assert.deepEqual(on, [], `${r.instance_name} is ${r.state} but runs on ${JSON.stringify(on)}`);
      }
      for (const h of await k.selectFrom('hosts').select(['id', 'cpu_allocated', 'memory_allocated']).where('removed', 'is', null).execute()) {
        assert.equal(Number(h.cpu_allocated), want.get(h.id)?.cpu ?? 0, `host ${h.id} CPU allocated`);
        assert.equal(Number(h.memory_allocated), want.get(h.id)?.mem ?? 0, `host ${h.id} memory allocated`);
      }
    };

    it('has 50 VMs running across the 4 hosts', async () => {
      const { vms, m } = await byHost();
      assert.equal(vms.filter((v) => v.state === 'Running').length, 50);
      assert.ok(m.size >= 3, `VMs spread over ${m.size} hosts`);
      await consistent();
    });

    it('prepareHostForMaintenance migrates every VM to other hosts of the cluster and ends in Maintenance', async () => {
      const loneHost = await until('the lone agent host', async () => {
        const all = (await s.admin.ok('listHosts', {}))['host'] as any[];
        // The lone agent's host is the one added last.
        return all.sort((a, b) => (a.created < b.created ? -1 : 1))[3];
      });
      const before = (await byHost()).m.get(loneHost.id) ?? [];
      assert.ok(before.length > 0, 'the host has VMs to move');
      const r = await s.admin.jobOk('prepareHostForMaintenance', { id: loneHost.id });
      assert.equal(r['host'].resourcestate, 'Maintenance');
      const { m, vms } = await byHost();
      assert.equal((m.get(loneHost.id) ?? []).length, 0);
      assert.equal(vms.filter((v) => v.state === 'Running').length, 50);
      for (const id of before) assert.notEqual(vms.find((v) => v.id === id).hostid, loneHost.id);
      const migrated = await s.app.db.kysely.selectFrom('events').select('id').where('type', '=', 'VM.MIGRATE').execute();
      assert.ok(migrated.length >= before.length);
      const maint = await s.app.db.kysely.selectFrom('events').select(['description', 'state']).where('type', '=', 'MAINT.PREPARE').where('resource_uuid', '=', loneHost.id).execute();
      assert.ok(maint.some((e) => /is in maintenance/.test(e.description)));
      await consistent();
      // The allocator no longer uses it.
      const v = await cloud.deploy();
      assert.notEqual(v['virtualmachine'].hostid, loneHost.id);
      vmIds.push(v['virtualmachine'].id);
    });

    it('a host in maintenance stays in maintenance when its agent restarts; deleteHost then works', async () => {
      const all = ((await s.admin.ok('listHosts', {}))['host'] as any[]).sort((a, b) => (a.created < b.created ? -1 : 1));
      const loneHost = all[3];
      const id = await cloud.hostId(loneHost.id);
      await cloud.killAgent(lone);
      await until('agent gone', async () => !s.app.services.agents.isConnected(id));
      cloud.startAgent(lone);
      await until('agent back', async () => ((await s.admin.ok('listHosts', { id: loneHost.id }))['host'][0].state === 'Up' ? true : undefined), 60_000);
      assert.equal((await s.admin.ok('listHosts', { id: loneHost.id }))['host'][0].resourcestate, 'Maintenance');
      // A host that is Up and Enabled cannot be deleted; one in maintenance without VMs can.
      const other = all[0];
      const refused = await s.admin.call('deleteHost', { id: other.id });
      assert.equal(refused.status, 431);
      await s.admin.ok('deleteHost', { id: loneHost.id });
      assert.equal((await s.admin.ok('listHosts', { id: loneHost.id }).catch(() => ({ count: 0 })))['count'] ?? 0, 0);
    });

    it('a VM no other host can take leaves the host in ErrorInMaintenance with the reason; cancel moves nothing back', async () => {
      const k = s.app.db.kysely;
      const all = ((await s.admin.ok('listHosts', {}))['host'] as any[]);
      const pinned = all[0];
      await s.admin.ok('updateHost', { id: pinned.id, hosttags: 'gpu' });
      const so = await cloud.fx.serviceOffering({ host_tag: 'gpu' });
      const special = (await cloud.deploy({ serviceofferingid: so.uuid }))['virtualmachine'];
      assert.equal(special.hostid, pinned.id);
      const others = ((await byHost()).m.get(pinned.id) ?? []).filter((id) => id !== special.id);
      const j = await s.admin.job('prepareHostForMaintenance', { id: pinned.id });
      assert.equal(j['jobstatus'], 2);
      assert.match(JSON.stringify(j['jobresult']), new RegExp(`${special.instancename}.*cannot be migrated`));
      const h = (await s.admin.ok('listHosts', { id: pinned.id }))['host'][0];
      assert.equal(h.resourcestate, 'ErrorInMaintenance');
      const { m, vms } = await byHost();
      assert.deepEqual(m.get(pinned.id), [special.id], 'only the unmovable VM is left');
      for (const id of others) assert.notEqual(vms.find((v) => v.id === id).hostid, pinned.id);
      const ev = await k.selectFrom('events').select(['description', 'level']).where('type', '=', 'MAINT.PREPARE').where('level', '=', 'ERROR').where('resource_uuid', '=', pinned.id).execute();
      assert.ok(ev.some((e) => e.description.includes(special.instancename)));
      const alerts = (await s.admin.ok('listAlerts', { type: '7' }))['alert'] as any[];
      assert.ok(alerts.some((a) => a.name === 'ALERT.COMPUTE.HOST' && a.description.includes(pinned.name)));
      // The allocator skips it while in an error state of maintenance.
      const v = await cloud.deploy();
      assert.notEqual(v['virtualmachine'].hostid, pinned.id);
      await consistent();

      const c = await s.admin.jobOk('cancelHostMaintenance', { id: pinned.id });
      assert.equal(c['host'].resourcestate, 'Enabled');
      assert.deepEqual((await byHost()).m.get(pinned.id), [special.id], 'nothing migrates back');
      const cancelled = await k.selectFrom('events').select('id').where('type', '=', 'MAINT.CANCEL').where('state', '=', 'Completed').where('resource_uuid', '=', pinned.id).execute();
      assert.ok(cancelled.length >= 1);
      const again = await s.admin.call('cancelHostMaintenance', { id: pinned.id });
      const jr = again.status === 200 ? await s.admin.job('cancelHostMaintenance', { id: pinned.id }) : undefined;
      assert.ok(again.status !== 200 || jr?.['jobstatus'] === 2, 'cancelling a host not in maintenance fails');
      await consistent();
    });

    it('only admins may prepare a host for maintenance', async () => {
      const user = await s.newAccount();
      const r = await user.call('prepareHostForMaintenance', { id: hosts[0]!.id });
      assert.ok(r.status === 432 || r.status === 531, `status ${r.status}`);
    });
  });
}
