/**
 * The acceptance path through Debian's `cs` CLI (`/usr/bin/cloudstack`): an administrator
 * builds an advanced zone command by command. Skipped (with the reason) where the CLI is
 * not installed; CI installs it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { cs, csOk, csSkip } from '../helpers/cs-cli.js';

const skip = csSkip;
const ok = csOk;

for (const dialect of dialectsUnderTest()) {
  describe(`infra through the cs CLI (${dialect})`, { skip }, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('builds an advanced zone and reads its capacity', async () => {
      const zone = (await ok(s, 'createZone', { name: 'cli-zone', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      const pn = (await ok(s, 'createPhysicalNetwork', { zoneid: zone.id, name: 'cli-phy', isolationmethods: 'VLAN' }))['physicalnetwork'];
      assert.equal(pn.zoneid, zone.id);
      for (const t of ['Guest', 'Public', 'Management']) assert.equal((await ok(s, 'addTrafficType', { physicalnetworkid: pn.id, traffictype: t }))['traffictype'].traffictype, t);
      assert.equal((await ok(s, 'updatePhysicalNetwork', { id: pn.id, vlan: '100-199', state: 'Enabled' }))['physicalnetwork'].vlan, '100-199');
      const nsp = (await ok(s, 'listNetworkServiceProviders', { physicalnetworkid: pn.id, name: 'VirtualRouter' }))['networkserviceprovider'][0];
      const el = (await ok(s, 'listVirtualRouterElements', { nspid: nsp.id }))['virtualrouterelement'][0];
      await ok(s, 'configureVirtualRouterElement', { id: el.id, enabled: 'true' });
      assert.equal((await ok(s, 'updateNetworkServiceProvider', { id: nsp.id, state: 'Enabled' }))['networkserviceprovider'].state, 'Enabled');
      const pod = (await ok(s, 'createPod', { name: 'cli-pod', zoneid: zone.id, gateway: '192.168.10.1', netmask: '255.255.255.0', startip: '192.168.10.100', endip: '192.168.10.150' }))['pod'];
      const cluster = (await ok(s, 'addCluster', { clustername: 'cli-cluster', zoneid: zone.id, podid: pod.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
      const dir = join(s.db.dataDir, 'cli-primary');
      const pool = (await ok(s, 'createStoragePool', { name: 'cli-pool', zoneid: zone.id, podid: pod.id, clusterid: cluster.id, url: `file://${dir}` }))['storagepool'];
      assert.ok(existsSync(dir));
      assert.equal(pool.clustername, 'cli-cluster');
      await ok(s, 'addImageStore', { name: 'cli-sec', provider: 'NFS', zoneid: zone.id, url: `file://${join(s.db.dataDir, 'cli-secondary')}` });
      const range = (await ok(s, 'createVlanIpRange', { zoneid: zone.id, vlan: 'untagged', gateway: '203.0.113.1', netmask: '255.255.255.0', startip: '203.0.113.10', endip: '203.0.113.50', forvirtualnetwork: 'True' }))['vlan'];
      assert.equal(range.startip, '203.0.113.10');
      const bad = await cs(s, 'createVlanIpRange', { zoneid: zone.id, gateway: '203.0.113.1', netmask: '255.255.255.0', startip: '203.0.113.40', endip: '203.0.113.60', forvirtualnetwork: 'True' });
      assert.notEqual(bad.code, 0);
      assert.match(JSON.stringify(bad.out) + bad.stderr, /overlaps/);
      assert.equal((await ok(s, 'updateZone', { id: zone.id, allocationstate: 'Enabled' }))['zone'].allocationstate, 'Enabled');
      const caps = (await ok(s, 'listCapacity', { zoneid: zone.id, type: '4' }))['capacity'];
      assert.equal(caps[0].capacitytotal, 41);
      const zones = (await ok(s, 'listZones'))['zone'];
      assert.deepEqual(zones.map((z: any) => z.name), ['cli-zone']);
    });
  });
}
