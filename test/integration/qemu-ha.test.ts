/**
 * HA with real QEMU hosts: a host dies (its agent and its guest are killed, so its heartbeat
 * on the shared pool goes stale); its peer tells the server so, the host is declared Down and
 * the HA-enabled VM starts again on the other host from the same root disk — the guest really
 * boots there (its serial log on the other agent). ping.interval 1 s × ping.timeout 3.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { qemuPidsUnder, qemuSkipReason, qemuZone, serialLog, vmDir, type QemuZone } from '../helpers/qemu-zone.js';
import { until } from '../helpers/until.js';
import { BOOT_MARKER } from '../../src/drivers/qemu/tiny-linux.js';

const skip = qemuSkipReason();

for (const dialect of dialectsUnderTest()) {
  describe(`HA on real QEMU hosts (${dialect})`, { skip }, () => {
    let z: QemuZone;
    before(async () => {
      z = await qemuZone(dialect, { offerHa: true, pingTimeoutS: 3 });
    });
    after(async () => {
      await z?.close();
    });

    it('a dead host\'s HA VM boots again on its peer', { timeout: 300_000 }, async () => {
      const { s, dataDirs, ids } = z;
      const vm = (await s.admin.jobOk('deployVirtualMachine', { zoneid: ids.zone, serviceofferingid: ids.so, templateid: ids.tpl }))['virtualmachine'];
      const instance = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).instance_name;
      const src = (['a', 'b'] as const).find((h) => qemuPidsUnder(vmDir(dataDirs[h], instance)).length > 0)!;
      const dst = src === 'a' ? 'b' : 'a';
      await until('the guest to boot', async () => serialLog(dataDirs[src], instance).includes(BOOT_MARKER), 180_000, 250);
      // The host dies: its agent and its guest.
      z.agents[src].kill('SIGKILL');
      process.kill(Number(readFileSync(join(vmDir(dataDirs[src], instance), 'qemu.pid'), 'utf8').trim()), 'SIGKILL');
      const moved = await until('the VM running on the peer', async () => {
        const v = (await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine']?.[0];
        return v?.state === 'Running' && v.hostid !== vm.hostid ? v : undefined;
      }, 120_000, 500);
      assert.equal((await s.admin.ok('listHosts', { id: vm.hostid }))['host'][0].state, 'Down');
      await until('the guest to boot on the peer', async () => serialLog(dataDirs[dst], instance).includes(BOOT_MARKER), 180_000, 250);
      assert.equal(qemuPidsUnder(vmDir(dataDirs[dst], instance)).length, 1);
      await s.admin.jobOk('destroyVirtualMachine', { id: moved.id, expunge: true });
      assert.deepEqual(qemuPidsUnder(z.root), [], 'no qemu process is left');
    });
  });
}
