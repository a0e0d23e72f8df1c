/**
 * A secondary storage outage (the file:// image store's directory disappears, as an NFS export
 * going away) with real simulator agents: running guests are untouched; snapshot backup,
 * volume and template from a snapshot, template from a volume, template registration and
 * volume extraction fail with "Secondary storage … is not available", an ALERT.STORAGE.SECONDARY
 * alert is raised; once the directory is back the same operations work again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { dialectsUnderTest } from '../helpers/databases.js';
import { snapshotZone, until, type SnapshotZone } from '../helpers/snapshot-zone.js';
import type { ApiClient } from '../helpers/server.js';

const UNAVAILABLE = /^Secondary storage .+ is not available: .+ does not exist$/;

/** The command fails, in the request or in its job, with the secondary storage error; returns the error text. */
async function failsClearly(c: ApiClient, command: string, params: Record<string, string>): Promise<string> {
  const r = await c.call(command, params);
  if (r.status !== 200) {
    assert.equal(r.status, 534, `${command}: ${JSON.stringify(r.inner)}`);
    assert.match(String(r.inner['errortext']), UNAVAILABLE, command);
    return String(r.inner['errortext']);
  }
  assert.equal(typeof r.inner['jobid'], 'string', `${command} answered ${JSON.stringify(r.inner)}`);
  const j = await until(`${command} job`, async () => {
    const q = (await c.ok('queryAsyncJobResult', { jobid: r.inner['jobid'] }));
    return q['jobstatus'] !== 0 && q;
  });
  assert.equal(j['jobstatus'], 2, `${command} job must fail`);
  assert.match(String(j['jobresult']?.errortext), UNAVAILABLE, command);
  return String(j['jobresult'].errortext);
}

for (const dialect of dialectsUnderTest()) {
  describe(`secondary storage outage (${dialect})`, () => {
    let z: SnapshotZone;
    let store = '';
    let running: Awaited<ReturnType<SnapshotZone['vm']>>;
    let stopped: Awaited<ReturnType<SnapshotZone['vm']>>;
    let snap = '';
    let os = '';

    const state = async (id: string) => (await z.s.admin.ok('listVirtualMachines', { id }))['virtualmachine'][0].state as string;

    before(async () => {
      z = await snapshotZone(dialect);
      store = (await z.s.app.db.kysely.selectFrom('image_stores').select('path').executeTakeFirstOrThrow()).path!;
      running = await z.vm();
      stopped = await z.vm();
      await z.s.admin.jobOk('stopVirtualMachine', { id: stopped.id });
      snap = (await z.s.admin.jobOk('createSnapshot', { volumeid: running.root.uuid }))['snapshot'].id;
      os = (await z.s.admin.ok('listOsTypes', {}))['ostype'][0].id;
    });

    after(async () => {
      try {
        renameSync(`${store}.away`, store);
      } catch {
        /* already back */
      }
      await z?.close();
    });

    it('the store is gone: snapshot, template, registration and extraction fail clearly; running guests are untouched; an alert is raised', async () => {
      renameSync(store, `${store}.away`);
      await failsClearly(z.s.admin, 'createSnapshot', { volumeid: running.root.uuid });
      await failsClearly(z.s.admin, 'createVolume', { snapshotid: snap, name: 'restored' });
      await failsClearly(z.s.admin, 'createTemplate', { snapshotid: snap, name: 'from-snap', ostypeid: os });
      await failsClearly(z.s.admin, 'createTemplate', { volumeid: stopped.root.uuid, name: 'from-vol', ostypeid: os });
      await failsClearly(z.s.admin, 'registerTemplate', { name: 'reg', displaytext: 'reg', format: 'QCOW2', hypervisor: 'Simulator', zoneid: z.zoneId, ostypeid: os, url: 'http://127.0.0.1:9/reg.qcow2' });
      await failsClearly(z.s.admin, 'extractVolume', { id: stopped.root.uuid, zoneid: z.zoneId, mode: 'HTTP_DOWNLOAD' });
      // A user sees the error code (534) of an unavailable resource too.
      const user = await z.s.newAccount();
      const r = await user.call('registerTemplate', { name: 'u', displaytext: 'u', format: 'QCOW2', hypervisor: 'Simulator', zoneid: z.zoneId, ostypeid: os, url: 'http://127.0.0.1:9/u.qcow2' });
      assert.equal(r.status, 534);
      assert.equal(await state(running.id), 'Running');
      const q = await z.s.app.services.agents.send(await z.s.app.db.kysely.selectFrom('hosts').select('id').where('uuid', '=', running.hostid).executeTakeFirstOrThrow().then((h) => h.id), { type: 'GetVmStates' });
      assert.ok(((q as Record<string, unknown>)['vms'] as Array<{ state: string }>).some((v) => v.state === 'Running'), 'the guest still runs on its host');
      const alert = await until('secondary storage alert', async () => ((await z.s.admin.ok('listAlerts', { type: 'ALERT.STORAGE.SECONDARY' }))['alert'] as any[] | undefined)?.[0], 15_000);
      assert.match(alert.description, /^Secondary storage .+ is not available$/);
      assert.equal(alert.type, 6);
    });

    it('the store is back: the same operations work again', async () => {
      renameSync(`${store}.away`, store);
      const s2 = (await z.s.admin.jobOk('createSnapshot', { volumeid: running.root.uuid }))['snapshot'];
      assert.equal(s2.state, 'BackedUp');
      const vol = (await z.s.admin.jobOk('createVolume', { snapshotid: snap, name: 'restored' }))['volume'];
      assert.equal(vol.state, 'Ready');
      const t = (await z.s.admin.jobOk('createTemplate', { snapshotid: s2.id, name: 'from-snap', ostypeid: os }))['template'];
      assert.equal(t.isready, true);
      const tv = (await z.s.admin.jobOk('createTemplate', { volumeid: stopped.root.uuid, name: 'from-vol', ostypeid: os }))['template'];
      assert.equal(tv.isready, true);
      const reg = await z.s.admin.call('registerTemplate', { name: 'reg', displaytext: 'reg', format: 'QCOW2', hypervisor: 'Simulator', zoneid: z.zoneId, ostypeid: os, url: 'http://127.0.0.1:9/reg.qcow2' });
      assert.equal(reg.status, 200, JSON.stringify(reg.inner));
      await z.s.admin.jobOk('extractVolume', { id: stopped.root.uuid, zoneid: z.zoneId, mode: 'HTTP_DOWNLOAD' });
      await until('the back alert', async () => ((await z.s.admin.ok('listAlerts', { type: '6' }))['alert'] as any[]).find((a) => /is available again/.test(a.description)), 15_000);
      assert.equal(await state(running.id), 'Running');
    });
  });
}
