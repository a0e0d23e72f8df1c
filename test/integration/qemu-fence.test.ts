/**
 * Self-fencing with real QEMU hosts (docs/ha.md): a host freezes (its agent is SIGSTOPped, so its
 * heartbeat on the shared pool goes stale; its guest runs on and keeps the root disk locked)
 * and loses its connection to the management server (a TCP proxy between them is paused). HA
 * declares it Down and restarts the VM on the peer, whose agent first claims the VM on the
 * shared pool. The host wakes up still cut off: it must find the peer's claim and kill its own
 * copy by itself — the peer's start gets the disk once it has — without ever reconnecting.
 * Exactly one qemu process for the VM is left, on the peer. ping.interval 1 s × ping.timeout 3.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { qemuPidsUnder, qemuSkipReason, qemuZone, serialLog, vmDir, type QemuZone } from '../helpers/qemu-zone.js';
import { until } from '../helpers/until.js';
import { BOOT_MARKER } from '../../src/drivers/qemu/tiny-linux.js';
import { CLAIM_DIR } from '../../src/agent/claims.js';

const skip = qemuSkipReason();

for (const dialect of dialectsUnderTest()) {
  describe(`self-fencing on real QEMU hosts (${dialect})`, { skip }, () => {
    let z: QemuZone;
    before(async () => {
      z = await qemuZone(dialect, { offerHa: true, pingTimeoutS: 3, proxied: true });
    });
    after(async () => {
      // A failed run must not leave a frozen agent behind.
      for (const a of Object.values(z?.agents ?? {})) a.kill('SIGCONT');
      await z?.close();
    });

    it('a cut-off host kills its copy of a VM that HA restarted on its peer, without reconnecting', { timeout: 300_000 }, async () => {
      const { s, dataDirs, ids, proxies } = z;
      const vm = (await s.admin.jobOk('deployVirtualMachine', { zoneid: ids.zone, serviceofferingid: ids.so, templateid: ids.tpl }))['virtualmachine'];
      const instance = (await s.app.db.kysely.selectFrom('vm_instances').select('instance_name').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).instance_name;
      const src = (['a', 'b'] as const).find((h) => qemuPidsUnder(vmDir(dataDirs[h], instance)).length > 0)!;
      const dst = src === 'a' ? 'b' : 'a';
      const peer = (await s.admin.ok('listHosts', { type: 'Routing' }))['host'].find((h: any) => h.id !== vm.hostid);
      const claimFile = join(z.root, 'primary', CLAIM_DIR, instance);
      const claim = () => { try { return JSON.parse(readFileSync(claimFile, 'utf8')) as { host: string; gen: number }; } catch { return undefined; } };
      assert.equal(claim()?.host, vm.hostid, 'the starting host claimed the VM');
      await until('the guest to boot', async () => serialLog(dataDirs[src], instance).includes(BOOT_MARKER), 180_000, 250);
      const [oldCopy] = qemuPidsUnder(vmDir(dataDirs[src], instance));

      // The host is cut off from the server and freezes; its guest runs on, holding the disk.
      await proxies![src].pause();
      z.agents[src].kill('SIGSTOP');
      const taken = await until('HA to claim the VM for the peer', async () => (claim()?.host === peer.id ? claim() : undefined), 120_000, 100);
      assert.ok(taken.gen >= 2);
      // It wakes up, still cut off: only the claim can tell it that its copy must go.
      z.agents[src].kill('SIGCONT');
      await until('the old copy killed by its own host', async () => qemuPidsUnder(vmDir(dataDirs[src], instance)).length === 0, 60_000, 100);
      // Gone, or a zombie waiting for this container's init to reap it.
      const stat = (() => { try { return readFileSync(`/proc/${oldCopy}/stat`, 'utf8'); } catch { return ''; } })();
      assert.ok(stat === '' || stat.split(') ')[1]?.startsWith('Z'), 'the frozen host\'s qemu process is gone');
      assert.match(z.logs[src](), new RegExp(`self-fencing: killing VM ${instance}: host ${peer.id} claimed it \\(generation ${taken.gen}`));
      const moved = await until('the VM running on the peer', async () => {
        const v = (await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine']?.[0];
        return v?.state === 'Running' && v.hostid === peer.id ? v : undefined;
      }, 60_000, 250);
      await until('the guest to boot on the peer', async () => serialLog(dataDirs[dst], instance).includes(BOOT_MARKER), 180_000, 250);
      assert.equal(qemuPidsUnder(z.root).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(instance)).length, 1, 'exactly one copy runs');
      // It never got back to the server meanwhile: the fencing was its own.
      assert.notEqual((await s.admin.ok('listHosts', { id: vm.hostid }))['host'][0].state, 'Up');

      // Back on the network: it reconnects and the peer's copy is untouched.
      await proxies![src].resume();
      await until('the host back Up', async () => (await s.admin.ok('listHosts', { id: vm.hostid }))['host'][0].state === 'Up', 60_000, 250);
      assert.equal(qemuPidsUnder(vmDir(dataDirs[dst], instance)).length, 1);
      await s.admin.jobOk('destroyVirtualMachine', { id: moved.id, expunge: true });
      assert.deepEqual(qemuPidsUnder(z.root), [], 'no qemu process is left');
    });
  });
}
