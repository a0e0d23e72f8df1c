/**
 * A primary storage outage on real simulator agents (ping.interval 1 s), with a real SMTP
 * server: the hosts lose pool A (`StoragePoolOutage` mock, as a dead NFS server), so the
 * guests on it die and their agents report them stopped. The pool is Down, an
 * ALERT.STORAGE.MISC alert is raised and e-mailed, the planner places new disks on pool B,
 * HA does not try to restart anything while A is Down and a start says why it cannot work.
 * When A is back its HA-enabled VMs run again (once: every agent is asked), the non-HA VM and
 * a VM its owner had stopped stay Stopped, and the non-HA one starts on request. Last, a host
 * whose agent checks the directories (`--pool-heartbeat`) sees pool B's directory vanish: B is
 * Down until the directory is back.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { HaCloud, until } from '../helpers/ha-cloud.js';
import { smtp, subjectOf } from '../helpers/smtp.js';

for (const dialect of dialectsUnderTest()) {
  describe(`primary storage outage (${dialect})`, () => {
    let s: TestServer;
    let cloud: HaCloud;
    let mail: Awaited<ReturnType<typeof smtp>>;
    let poolA = '';
    let poolB = '';
    let poolBDir = '';
    let mockId = '';
    const vm: Record<'ha1' | 'ha2' | 'plain' | 'userStopped', { id: string; name: string }> = {} as never;

    const state = async (id: string) => (await s.admin.ok('listVirtualMachines', { id }))['virtualmachine'][0].state as string;
    const poolState = async (id: string) => (await s.admin.ok('listStoragePools', { id }))['storagepool'][0].state as string;
    const haEvents = async () => (await s.app.db.kysely.selectFrom('events').select('description').where('description', 'like', 'HA %').execute()).map((e) => e.description);

    before(async () => {
      mail = await smtp('alerts', 'pool-smtp-pw');
      s = await startServer(dialect);
      const set = (name: string, value: string) => s.admin.ok('updateConfiguration', { name, value });
      for (const [k, v] of [['alert.smtp.host', '127.0.0.1'], ['alert.smtp.port', String(mail.port)], ['alert.smtp.useAuth', 'true'], ['alert.smtp.username', 'alerts'],
        ['alert.smtp.password', 'pool-smtp-pw'], ['alert.email.sender', 'cloud@nimbo.test'], ['alert.email.addresses', 'ops@nimbo.test'], ['alert.wait', '3600'],
        ['ping.interval', '1'], ['ping.timeout', '3']] as const) await set(k, v);
      cloud = new HaCloud(s);
      await cloud.init();
      poolA = (await s.admin.ok('listStoragePools', { name: 'ha-sp' }))['storagepool'][0].id;
      await cloud.addAgent(2);
      const nonHa = (await cloud.fx.serviceOffering({ offer_ha: 0 })).uuid;
      const deploy = async (extra: Record<string, string> = {}) => {
        const v = (await cloud.deploy(extra))['virtualmachine'];
        return { id: v.id as string, name: v.instancename as string };
      };
      vm.ha1 = await deploy();
      vm.ha2 = await deploy();
      vm.plain = await deploy({ serviceofferingid: nonHa });
      vm.userStopped = await deploy();
      await s.admin.jobOk('stopVirtualMachine', { id: vm.userStopped.id });
      // Pool B comes after the deploys, so every VM above has its disks on pool A.
      poolBDir = mkdtempSync(join(tmpdir(), 'nimbo-ha-poolb-'));
      poolB = (await s.admin.ok('createStoragePool', { name: 'ha-sp-b', zoneid: cloud.zone, podid: cloud.pod, clusterid: cloud.cluster, url: `file://${poolBDir}` }))['storagepool'].id;
      await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 5 }).where('uuid', '=', poolB).execute();
    });

    after(async () => {
      await cloud?.close();
      await s?.close();
      await mail?.close().catch(() => undefined);
      if (poolBDir) rmSync(poolBDir, { recursive: true, force: true });
    });

    it('the hosts lose pool A: it is Down, its guests stop and are reported Stopped, an alert is raised and e-mailed', async () => {
      mockId = (await s.admin.ok('configureSimulator', { name: 'StoragePoolOutage', value: `pool:${poolA}`, zoneid: cloud.zone }))['null'].id;
      await until('pool A Down', async () => (await poolState(poolA)) === 'Down', 20_000);
      assert.equal(await poolState(poolB), 'Up');
      for (const v of [vm.ha1, vm.ha2, vm.plain]) await until(`${v.name} Stopped`, async () => (await state(v.id)) === 'Stopped', 20_000);
      const running = await cloud.running();
      for (const v of Object.values(vm)) assert.ok(!running.has(v.name), `${v.name} runs nowhere`);
      const alert = await until('storage alert', async () => ((await s.admin.ok('listAlerts', { type: 'ALERT.STORAGE.MISC' }))['alert'] as any[] | undefined)?.[0], 20_000);
      assert.match(alert.description, /^Unable to access storage pool ha-sp:/);
      assert.equal(alert.type, 12);
      const m = await until('the storage e-mail', async () => mail.mails.find((x) => subjectOf(x.raw).includes('Unable to access storage pool ha-sp')), 20_000);
      assert.deepEqual(m.to, ['ops@nimbo.test']);
      assert.match(m.raw.replace(/=\r\n/g, ''), /simulated storage pool outage/, 'the body names the reason');
    });

    it('while A is Down: no HA attempt, a start says why it fails, new disks go to pool B', async () => {
      await new Promise((r) => setTimeout(r, 4000));
      for (const v of [vm.ha1, vm.ha2, vm.plain, vm.userStopped]) assert.equal(await state(v.id), 'Stopped', v.name);
      assert.deepEqual((await haEvents()).filter((d) => /ha1|ha2/.test(d)), []);
      assert.deepEqual(await haEvents(), [], 'HA neither restarted nor tried to');
      const remembered = await s.app.db.kysely.selectFrom('storage_outage_vms as w').innerJoin('vm_instances as v', 'v.id', 'w.vm_id').select('v.uuid').execute();
      assert.deepEqual(remembered.map((r) => r.uuid).sort(), [vm.ha1.id, vm.ha2.id, vm.plain.id].sort(), 'the user-stopped VM is not remembered');
      const start = await s.admin.job('startVirtualMachine', { id: vm.plain.id });
      assert.equal(start['jobstatus'], 2);
      assert.match(String(start['jobresult']?.errortext), /storage pool ha-sp .* is not available/);
      const fresh = (await cloud.deploy())['virtualmachine'];
      const vol = (await s.admin.ok('listVolumes', { virtualmachineid: fresh.id }))['volume'][0];
      assert.equal(vol.storageid, poolB, 'the planner skips the Down pool');
      await s.admin.jobOk('destroyVirtualMachine', { id: fresh.id, expunge: true });
    });

    it('pool A back: HA VMs run again (once), the non-HA and the user-stopped VM stay Stopped; the non-HA one starts on request', async () => {
      await s.admin.ok('cleanupSimulatorMock', { id: mockId });
      await until('pool A Up', async () => (await poolState(poolA)) === 'Up', 20_000);
      for (const v of [vm.ha1, vm.ha2]) await until(`${v.name} Running`, async () => (await state(v.id)) === 'Running', 30_000);
      await until('the back alert', async () => ((await s.admin.ok('listAlerts', { type: '12' }))['alert'] as any[]).find((a) => /ha-sp is available again/.test(a.description)));
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(await state(vm.plain.id), 'Stopped');
      assert.equal(await state(vm.userStopped.id), 'Stopped', 'an API stop is never undone');
      const ha = await haEvents();
      assert.equal(ha.filter((d) => d.includes(vm.ha1.name)).length, 1, ha.join('\n'));
      assert.match(ha.find((d) => d.includes(vm.ha1.name))!, /storage pool is available again/);
      assert.equal(await s.app.db.kysely.selectFrom('storage_outage_vms').select('id').executeTakeFirst(), undefined, 'the outage is forgotten');
      const running = await cloud.running();
      for (const v of [vm.ha1, vm.ha2]) assert.equal(running.get(v.name)?.length, 1, `${v.name} runs on exactly one host`);
      await s.admin.jobOk('startVirtualMachine', { id: vm.plain.id });
      assert.equal(await state(vm.plain.id), 'Running');
    });

    it('an agent that checks directories reports a pool whose directory is gone: Down until it is back', async () => {
      cloud.agentArgs = ['--pool-heartbeat'];
      await cloud.addAgent(1);
      renameSync(poolBDir, `${poolBDir}.away`);
      try {
        await until('pool B Down', async () => (await poolState(poolB)) === 'Down', 20_000);
        const row = await s.app.db.kysely.selectFrom('storage_pool_host_outages as o').innerJoin('storage_pools as p', 'p.id', 'o.pool_id').select('o.reason').where('p.uuid', '=', poolB).executeTakeFirstOrThrow();
        assert.match(String(row.reason), /does not exist$/);
        assert.equal(await poolState(poolA), 'Up');
      } finally {
        renameSync(`${poolBDir}.away`, poolBDir);
      }
      await until('pool B Up', async () => (await poolState(poolB)) === 'Up', 20_000);
    });
  });
}
