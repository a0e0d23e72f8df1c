/**
 * The usage ledger's security-group rule on every database: a VM governs its own (type 10)
 * intervals of a group, also after it left the group (the group is then no longer among the
 * usage ids its resolver gives), and never another VM's interval of the same group.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { reconcileUsage, type UsageSlot } from '../../src/services/usage/ledger.js';

for (const dialect of dialectsUnderTest()) {
  describe(`usage ledger: security groups a VM left (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect, { options: { usageTickMs: '0' } });
    });
    after(async () => s.close());

    it('closes the VM\'s own interval of a group it left, keeps its other slots and the other VM\'s interval of the group', async () => {
      const k = s.app.db.kysely;
      const base = { accountId: 1, domainId: 1, zoneUuid: 'z' };
      const vm = (id: string): UsageSlot => ({ ...base, usageType: 2, usageId: id, vmUuid: id, name: id });
      const group = (id: string): UsageSlot => ({ ...base, usageType: 10, usageId: 'sg-1', vmUuid: id, name: 'web' });
      await reconcileUsage(k, { usageIds: ['vm-a', 'sg-1'], slots: [vm('vm-a'), group('vm-a')], vmUuid: 'vm-a' }, 1000);
      await reconcileUsage(k, { usageIds: ['vm-b', 'sg-1'], slots: [vm('vm-b'), group('vm-b')], vmUuid: 'vm-b' }, 1500);
      // vm-a left the group: its resolver no longer names sg-1.
      await reconcileUsage(k, { usageIds: ['vm-a'], slots: [vm('vm-a')], vmUuid: 'vm-a' }, 2000);
      const rows = await k.selectFrom('usage_intervals').select(['usage_type', 'usage_id', 'vm_uuid', 'start_ms', 'end_ms']).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => [Number(r.usage_type), r.usage_id, r.vm_uuid, Number(r.start_ms), r.end_ms === null ? null : Number(r.end_ms)]), [
        [2, 'vm-a', 'vm-a', 1000, null],
        [10, 'sg-1', 'vm-a', 1000, 2000],
        [2, 'vm-b', 'vm-b', 1500, null],
        [10, 'sg-1', 'vm-b', 1500, null],
      ]);
      // A repeated reconcile changes nothing.
      await reconcileUsage(k, { usageIds: ['vm-a'], slots: [vm('vm-a')], vmUuid: 'vm-a' }, 3000);
      assert.equal((await k.selectFrom('usage_intervals').select('id').execute()).length, 4);
    });
  });
}
