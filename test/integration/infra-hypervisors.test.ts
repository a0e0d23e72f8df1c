import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';

for (const dialect of dialectsUnderTest()) {
  describe(`listHypervisors (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('lists every supported type, and a zone only the types of its clusters', async () => {
      const all = await s.admin.ok('listHypervisors');
      assert.deepEqual(all['hypervisor'].map((h: { name: string }) => h.name).sort(), ['KVM', 'Simulator']);
      const z = (await s.admin.ok('createZone', { name: 'hz', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      assert.deepEqual(await s.admin.ok('listHypervisors', { zoneid: z.id }), {});
      const pod = (await s.admin.ok('createPod', { name: 'p', zoneid: z.id, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.20' }))['pod'];
      await s.admin.ok('addCluster', { clustername: 'c', zoneid: z.id, podid: pod.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' });
      const inZone = await s.admin.ok('listHypervisors', { zoneid: z.id });
      assert.equal(inZone['count'], 1);
      assert.equal(inZone['hypervisor'][0].name, 'Simulator');
      const user = await s.newAccount();
      assert.equal((await user.ok('listHypervisors'))['count'], 2);
    });
  });
}
