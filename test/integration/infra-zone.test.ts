/**
 * Builds a complete advanced zone through the API (zone, physical network with traffic
 * types, providers and guest VLANs, pod, cluster, primary and secondary storage, public
 * range), checks what users see, and takes it apart again, refusing in-use deletes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';
import { expectError } from './infra-helpers.js';

for (const dialect of dialectsUnderTest()) {
  describe(`infra: advanced zone (${dialect})`, () => {
    let s: TestServer;
    const ids: Record<string, string> = {};
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => {
      await s.close();
    });

    it('creates a Disabled advanced zone with the default guest CIDR', async () => {
      const z = (await s.admin.ok('createZone', { name: 'zone1', networktype: 'advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2', domain: 'cloud.example' }))['zone'];
      assert.equal(z.networktype, 'Advanced');
      assert.equal(z.allocationstate, 'Disabled');
      assert.equal(z.guestcidraddress, '10.1.1.0/24');
      assert.equal(z.securitygroupsenabled, false);
      assert.equal(z.localstorageenabled, false);
      assert.equal(typeof z.zonetoken, 'string');
      ids['zone'] = z.id;
      const dup = await s.admin.call('createZone', { name: 'zone1', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' });
      expectError(dup, 431, /already exists/);
      expectError(await s.admin.call('createZone', { name: 'z2', networktype: 'Fancy', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }), 431, /network type/);
      expectError(await s.admin.call('createZone', { name: 'z2', networktype: 'Basic', dns1: '8.8.8', internaldns1: '10.0.0.2' }), 431, /DNS1/);
      expectError(await s.admin.call('createZone', { name: 'z2', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2', guestcidraddress: '10.1.1.0/33' }), 431, /guest cidr/);
      const basic = (await s.admin.ok('createZone', { name: 'basic1', networktype: 'Basic', dns1: '8.8.8.8', internaldns1: '10.0.0.2', securitygroupenabled: 'True' }))['zone'];
      assert.equal(basic.guestcidraddress, undefined);
      assert.equal(basic.securitygroupsenabled, true);
      ids['basic'] = basic.id;
      const list = await s.admin.ok('listZones', { name: 'zone1' });
      assert.equal(list['count'], 1);
      assert.equal(list['zone'][0].id, ids['zone']);
    });

    it('sets up a physical network the way the zone wizard does', async () => {
      const created = await s.admin.ok('createPhysicalNetwork', { zoneid: ids['zone']!, name: 'phy1', isolationmethods: 'VLAN', broadcastdomainrange: 'ZONE' });
      assert.equal(typeof created['id'], 'string');
      const job = await s.admin.job('createPhysicalNetwork', { zoneid: ids['basic']!, name: 'phyb' });
      assert.equal(job['jobstatus'], 1);
      expectError(await s.admin.call('createPhysicalNetwork', { zoneid: ids['basic']!, name: 'phyb2' }), 431, /basic zone/);
      const pn = (await s.admin.ok('listPhysicalNetworks', { zoneid: ids['zone']! }))['physicalnetwork'][0];
      assert.equal(pn.id, created['id']);
      assert.equal(pn.state, 'Disabled');
      assert.equal(pn.isolationmethods, 'VLAN');
      ids['pn'] = pn.id;
      for (const t of ['Guest', 'Public', 'Management']) {
        const tt = (await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn.id, traffictype: t, kvmnetworklabel: `br-${t.toLowerCase()}` }))['traffictype'];
        assert.equal(tt.traffictype, t);
        assert.equal(tt.kvmnetworklabel, `br-${t.toLowerCase()}`);
      }
      const dupJob = await s.admin.call('addTrafficType', { physicalnetworkid: pn.id, traffictype: 'guest' });
      expectError(dupJob, 431, /already supports/);
      const tts = await s.admin.ok('listTrafficTypes', { physicalnetworkid: pn.id });
      assert.equal(tts['count'], 3);
      const upd = (await s.admin.jobOk('updatePhysicalNetwork', { id: pn.id, vlan: '100-199', state: 'Enabled' }))['physicalnetwork'];
      assert.equal(upd.vlan, '100-199');
      assert.equal(upd.state, 'Enabled');
      const bad = await s.admin.job('updatePhysicalNetwork', { id: pn.id, vlan: '100-5000' });
      assert.equal(bad['jobstatus'], 2);
      assert.equal(bad['jobresult'].errorcode, 431);

      const nsps = (await s.admin.ok('listNetworkServiceProviders', { physicalnetworkid: pn.id }))['networkserviceprovider'];
      const names = nsps.map((n: any) => n.name).sort();
      assert.deepEqual(names, ['ConfigDrive', 'InternalLbVm', 'SecurityGroupProvider', 'VirtualRouter', 'VpcVirtualRouter']);
      const vr = nsps.find((n: any) => n.name === 'VirtualRouter');
      assert.equal(vr.state, 'Disabled');
      const early = await s.admin.job('updateNetworkServiceProvider', { id: vr.id, state: 'Enabled' });
      assert.equal(early['jobstatus'], 2);
      assert.match(early['jobresult'].errortext, /not ready/);
      const el = (await s.admin.ok('listVirtualRouterElements', { nspid: vr.id }))['virtualrouterelement'][0];
      assert.equal(el.enabled, false);
      assert.equal((await s.admin.jobOk('configureVirtualRouterElement', { id: el.id, enabled: 'true' }))['virtualrouterelement'].enabled, true);
      const on = (await s.admin.jobOk('updateNetworkServiceProvider', { id: vr.id, state: 'Enabled' }))['networkserviceprovider'];
      assert.equal(on.state, 'Enabled');
      assert.ok(on.servicelist.includes('SourceNat'));
      const ilb = nsps.find((n: any) => n.name === 'InternalLbVm');
      const ilbEl = (await s.admin.ok('listInternalLoadBalancerElements', { nspid: ilb.id }))['internalloadbalancerelement'][0];
      assert.equal(ilbEl.enabled, false);
      assert.equal((await s.admin.jobOk('configureInternalLoadBalancerElement', { id: ilbEl.id, enabled: 'true' }))['internalloadbalancerelement'].enabled, true);
      assert.equal((await s.admin.jobOk('updateNetworkServiceProvider', { id: ilb.id, state: 'Enabled' }))['networkserviceprovider'].state, 'Enabled');
      const vrEls = (await s.admin.ok('listVirtualRouterElements'))['virtualrouterelement'];
      assert.equal(vrEls.length, 4, 'VirtualRouter and VpcVirtualRouter of both physical networks, no internal LB elements');
      expectError(await s.admin.call('configureVirtualRouterElement', { id: ilbEl.id, enabled: 'true' }), 431, /virtual router element/);
    });

    it('adds a pod, a cluster, primary and secondary storage and a public range', async () => {
      const pod = (await s.admin.ok('createPod', { name: 'pod1', zoneid: ids['zone']!, gateway: '192.168.100.1', netmask: '255.255.255.0', startip: '192.168.100.10', endip: '192.168.100.50' }))['pod'];
      assert.deepEqual(pod.startip, ['192.168.100.10']);
      assert.deepEqual(pod.endip, ['192.168.100.50']);
      assert.equal(pod.allocationstate, 'Enabled');
      ids['pod'] = pod.id;
      const clusters = await s.admin.ok('addCluster', { clustername: 'c1', zoneid: ids['zone']!, podid: pod.id, hypervisor: 'simulator', clustertype: 'CloudManaged' });
      assert.equal(clusters['count'], 1);
      const c = clusters['cluster'][0];
      assert.equal(c.hypervisortype, 'Simulator');
      assert.equal(c.podname, 'pod1');
      assert.equal(c.managedstate, 'Managed');
      assert.equal(c.cpuovercommitratio, '1.0');
      ids['cluster'] = c.id;
      expectError(await s.admin.call('addCluster', { clustername: 'c2', zoneid: ids['zone']!, podid: pod.id, hypervisor: 'Hyperv', clustertype: 'CloudManaged' }), 431, /not supported/);
      expectError(await s.admin.call('addCluster', { clustername: 'c2', zoneid: ids['basic']!, podid: pod.id, hypervisor: 'KVM', clustertype: 'CloudManaged' }), 431, /does not belong/);

      const dir = join(s.db.dataDir, 'primary', 'pool1');
      const pool = (await s.admin.ok('createStoragePool', { name: 'pool1', zoneid: ids['zone']!, podid: pod.id, clusterid: c.id, url: `file://${dir}`, tags: 'ssd, fast' }))['storagepool'];
      assert.ok(existsSync(dir), 'the pool directory is created');
      assert.equal(pool.scope, 'CLUSTER');
      assert.equal(pool.type, 'Filesystem');
      assert.equal(pool.path, dir);
      assert.equal(pool.tags, 'ssd,fast');
      assert.equal(pool.state, 'Up');
      assert.ok(pool.disksizetotal > 0 && pool.disksizeused > 0, JSON.stringify(pool));
      assert.equal(pool.disksizeallocated, 0);
      ids['pool'] = pool.id;
      const nfs = (await s.admin.ok('createStoragePool', { name: 'nfs1', zoneid: ids['zone']!, scope: 'zone', hypervisor: 'KVM', url: 'nfs://10.0.0.5/export/primary', capacitybytes: 1099511627776 }))['storagepool'];
      assert.equal(nfs.ipaddress, '10.0.0.5');
      assert.equal(nfs.path, '/export/primary');
      assert.equal(nfs.type, 'NetworkFilesystem');
      assert.equal(nfs.disksizetotal, 1099511627776);
      ids['nfs'] = nfs.id;
      expectError(await s.admin.call('createStoragePool', { name: 'x', zoneid: ids['zone']!, scope: 'zone', url: 'nfs://10.0.0.5/other' }), 431, /hypervisor/i);
      expectError(await s.admin.call('createStoragePool', { name: 'x', zoneid: ids['zone']!, scope: 'zone', hypervisor: 'KVM', url: 'ftp://h/p' }), 431, /not supported/);
      expectError(await s.admin.call('createStoragePool', { name: 'x', zoneid: ids['zone']!, scope: 'zone', hypervisor: 'KVM', url: 'nfs://10.0.0.5/export/primary' }), 431, /already added/);
      const upd = (await s.admin.ok('updateStoragePool', { id: nfs.id, tags: 'gold', capacitybytes: 2199023255552, enabled: 'false' }))['storagepool'];
      assert.equal(upd.tags, 'gold');
      assert.equal(upd.state, 'Disabled');
      assert.equal(upd.disksizetotal, 2199023255552);
      const m = (await s.admin.jobOk('enableStorageMaintenance', { id: pool.id }))['storagepool'];
      assert.equal(m.state, 'Maintenance');
      assert.equal((await s.admin.jobOk('cancelStorageMaintenance', { id: pool.id }))['storagepool'].state, 'Up');
      const pools = await s.admin.ok('listStoragePools', { zoneid: ids['zone']!, clusterid: c.id });
      assert.equal(pools['count'], 1);

      const secDir = join(s.db.dataDir, 'secondary');
      const store = (await s.admin.ok('addImageStore', { name: 'sec1', provider: 'NFS', zoneid: ids['zone']!, url: `file://${secDir}` }))['imagestore'];
      assert.ok(existsSync(secDir));
      assert.equal(store.protocol, 'file');
      assert.equal(store.providername, 'NFS');
      assert.equal(store.scope, 'ZONE');
      ids['store'] = store.id;
      expectError(await s.admin.call('addSecondaryStorage', { zoneid: ids['zone']!, url: 'nfs://10.0.0.6/sec' }), 431, /per\.zone\.max/);
      const fromService = await s.app.services.imageStores.imageStoreForZone((await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', ids['zone']!).executeTakeFirstOrThrow()).id);
      assert.equal(fromService?.path, secDir);
      assert.equal((await s.admin.ok('listImageStores', { zoneid: ids['zone']! }))['imagestore'][0].id, store.id);

      const range = (await s.admin.ok('createVlanIpRange', { zoneid: ids['zone']!, vlan: 'untagged', gateway: '203.0.113.1', netmask: '255.255.255.0', startip: '203.0.113.10', endip: '203.0.113.20', forvirtualnetwork: 'True' }))['vlan'];
      assert.equal(range.forvirtualnetwork, true);
      assert.equal(range.physicalnetworkid, ids['pn']);
      assert.equal(range.cidr, '203.0.113.0/24');
      ids['range'] = range.id;

      const zone = (await s.admin.ok('updateZone', { id: ids['zone']!, allocationstate: 'Enabled', dns2: '8.8.4.4' }))['zone'];
      assert.equal(zone.allocationstate, 'Enabled');
      assert.equal(zone.dns2, '8.8.4.4');
      const events = (await s.admin.ok('listEvents', { pagesize: 500, page: 1 }))['event'].map((e: any) => e.type);
      for (const t of ['ZONE.CREATE', 'ZONE.EDIT', 'POD.CREATE', 'VLAN.IP.RANGE.CREATE', 'PHYSICAL.NETWORK.CREATE', 'TRAFFIC.TYPE.CREATE', 'NETWORK.ELEMENT.CONFIGURE']) assert.ok(events.includes(t), t);
    });

    it('shows users only enabled public zones, without admin details', async () => {
      const u = await s.newAccount();
      let zs = (await u.ok('listZones'))['zone'];
      assert.deepEqual(zs.map((z: any) => z.name), ['zone1']);
      assert.equal(zs[0].dns1, undefined);
      assert.equal(zs[0].zonetoken, undefined);
      const dom = (await s.admin.ok('createDomain', { name: 'other' }))['domain'];
      await s.admin.ok('createZone', { name: 'dedicated', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2', domainid: dom.id, allocationstate: 'Enabled' });
      zs = (await u.ok('listZones'))['zone'];
      assert.deepEqual(zs.map((z: any) => z.name), ['zone1']);
      const inDom = await s.newAccount({ domainid: dom.id });
      zs = (await inDom.ok('listZones'))['zone'];
      assert.deepEqual(zs.map((z: any) => z.name).sort(), ['dedicated', 'zone1']);
      expectError(await u.call('createZone', { name: 'mine', networktype: 'Basic', dns1: '8.8.8.8', internaldns1: '8.8.8.8' }), 432);
      expectError(await u.call('listPods'), 432);
    });

    it('refuses to delete what is in use and takes the zone apart in order', async () => {
      expectError(await s.admin.call('deleteZone', { id: ids['zone']! }), 536, /pods/);
      expectError(await s.admin.call('deletePod', { id: ids['pod']! }), 536, /clusters/);
      expectError(await s.admin.call('deleteCluster', { id: ids['cluster']! }), 536, /storage pools/);
      const k = s.app.db.kysely;
      const ip = await k.selectFrom('user_ip_addresses').select('id').where('public_ip_address', '=', '203.0.113.15').executeTakeFirstOrThrow();
      await k.updateTable('user_ip_addresses').set({ state: 'Allocated' }).where('id', '=', ip.id).execute();
      expectError(await s.admin.call('deleteVlanIpRange', { id: ids['range']! }), 536, /203\.0\.113\.15/);
      await k.updateTable('user_ip_addresses').set({ state: 'Free' }).where('id', '=', ip.id).execute();
      const pnJob = await s.admin.job('deletePhysicalNetwork', { id: ids['pn']! });
      assert.equal(pnJob['jobstatus'], 2);
      assert.equal(pnJob['jobresult'].errorcode, 536);

      assert.equal((await s.admin.ok('deleteVlanIpRange', { id: ids['range']! }))['success'], 'true');
      assert.equal(await k.selectFrom('user_ip_addresses').select('id').executeTakeFirst(), undefined);
      // With the templates area installed the store holds template copies: refused until they are gone.
      const refs = (await k.introspection.getTables()).some((t) => t.name === 'template_store_refs');
      if (refs) {
        const storeId = (await k.selectFrom('image_stores').select('id').where('uuid', '=', ids['store']!).executeTakeFirstOrThrow()).id;
        // The download worker puts the built-in template into every zone's store (building
        // its image may take a while): wait for that copy instead of racing it.
        await until('the built-in template copy in the store', async () =>
          (await (k as any).selectFrom('template_store_refs').select('id').where('image_store_id', '=', storeId).where('removed', 'is', null).execute()).length > 0, 120_000);
        expectError(await s.admin.call('deleteImageStore', { id: ids['store']! }), 431, /active templates/);
        await (k as any).updateTable('template_store_refs').set({ removed: Date.now() }).where('image_store_id', '=', storeId).execute();
      }
      for (const [cmd, id] of [['deleteStoragePool', 'pool'], ['deleteStoragePool', 'nfs'], ['deleteImageStore', 'store'], ['deleteCluster', 'cluster'], ['deletePod', 'pod']] as const) {
        assert.equal((await s.admin.ok(cmd, { id: ids[id]! }))['success'], 'true', cmd);
      }
      assert.equal(await k.selectFrom('op_dc_ip_address_alloc').select('id').executeTakeFirst(), undefined);
      expectError(await s.admin.call('deleteZone', { id: ids['zone']! }), 536, /Physical Networks/);
      await s.admin.jobOk('deletePhysicalNetwork', { id: ids['pn']! });
      assert.equal(await k.selectFrom('op_dc_vnet_alloc').select('id').executeTakeFirst(), undefined);
      assert.equal((await s.admin.ok('deleteZone', { id: ids['zone']! }))['success'], 'true');
      expectError(await s.admin.call('deleteZone', { id: ids['zone']! }), 431);
      assert.deepEqual(await s.admin.ok('listZones', { id: ids['zone']! }), {});
      const events = (await s.admin.ok('listEvents', { type: 'ZONE.DELETE' }))['event'];
      assert.equal(events.length, 1);
    });
  });
}
