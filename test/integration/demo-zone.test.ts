/**
 * `npm start`'s promise: on an empty cloud the demo zone (four simulated hosts, storage, IP
 * ranges) comes up by itself and a newcomer can deploy a VM from the built-in template at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';


for (const dialect of dialectsUnderTest()) {
  describe(`demo zone (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect, { demoZone: true });
    });
    after(async () => {
      await s.close();
    });

    it('comes up with four hosts and deploys a VM from the built-in template', async () => {
      await until('four demo hosts Up', async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === 4);
      const zone = (await s.admin.ok('listZones'))['zone'][0];
      assert.equal(zone.allocationstate, 'Enabled');
      const user = await s.newAccount();
      const template = await until('the built-in template ready', async () => {
        const t = (await user.ok('listTemplates', { templatefilter: 'featured', zoneid: zone.id }))['template']?.[0];
        return t?.isready ? t : undefined;
      });
      const offering = (await user.ok('listServiceOfferings', { name: 'Small Instance' }))['serviceoffering'][0];
      const vm = (await user.jobOk('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name: 'first-vm' }))['virtualmachine'];
      assert.equal(vm.state, 'Running');
      assert.equal(vm.name, 'first-vm');
      assert.equal(vm.hostid, undefined, 'users never see the host');
    });
  });
}
