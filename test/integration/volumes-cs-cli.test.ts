/**
 * Volumes through Debian's `cs` CLI, unmodified: createVolume (async, waits for the job),
 * attachVolume to a running VM, listVolumes by VM, detachVolume and deleteVolume.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { csOk, csSkip } from '../helpers/cs-cli.js';
import { GiB, volumeZone, type VolumeZone } from './volumes-setup.js';

for (const dialect of dialectsUnderTest()) {
  describe(`volumes through the cs CLI (${dialect})`, { skip: csSkip }, () => {
    let z: VolumeZone;
    before(async () => {
      z = await volumeZone(dialect, 'vol-cs-token');
    });
    after(async () => z?.close());

    it('createVolume, attachVolume, listVolumes, detachVolume, deleteVolume', async () => {
      const vm = await z.deploy();
      const created = (await csOk(z.s, 'createVolume', { name: 'cs-data', zoneid: z.zone, diskofferingid: z.offerings.custom, size: '3' }))['volume'];
      assert.equal(created.state, 'Allocated');
      assert.equal(created.size, 3 * GiB);
      const attached = (await csOk(z.s, 'attachVolume', { id: created.id, virtualmachineid: vm.id }))['volume'];
      assert.equal(attached.virtualmachineid, vm.id);
      assert.equal(attached.state, 'Ready');
      const listed = await csOk(z.s, 'listVolumes', { virtualmachineid: vm.id });
      assert.equal(listed.count, 2);
      assert.deepEqual(listed.volume.map((v: any) => v.type).sort(), ['DATADISK', 'ROOT']);
      assert.ok(listed.volume.find((v: any) => v.id === created.id).attached);
      await csOk(z.s, 'detachVolume', { id: created.id });
      assert.equal(String((await csOk(z.s, 'deleteVolume', { id: created.id }))['success']), 'true');
      assert.equal((await csOk(z.s, 'listVolumes', { virtualmachineid: vm.id })).count, 1);
      await z.s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
    });
  });
}
