/**
 * IP ranges, pod private ranges and guest VLANs: every malformed or overlapping input is a
 * 431 that leaves nothing behind; ranges grow and shrink; capacity counts what exists.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { expectError } from './infra-helpers.js';

const ZONE = { networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' };

for (const dialect of dialectsUnderTest()) {
  describe(`infra: IP ranges, VLANs and capacity (${dialect})`, () => {
    let s: TestServer;
    const ids: Record<string, string> = {};
    const idOf = async (table: 'zones' | 'pods' | 'clusters' | 'physical_networks', uuid: string) =>
      (await s.app.db.kysely.selectFrom(table).select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow()).id;
    const ipCount = async () => Number((await s.app.db.kysely.selectFrom('user_ip_addresses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    let syntheticHosts = false;

    before(async () => {
      s = await startServer(dialect);
      // Until the hosts area exists, a minimal hosts table lets the CPU/memory capacity be checked.
      const tables = await s.app.db.kysely.introspection.getTables();
      if (!tables.some((t) => t.name === 'hosts')) {
        await s.app.db.kysely.schema.createTable('hosts').addColumn('id', 'integer').addColumn('zone_id', 'integer').addColumn('pod_id', 'integer').addColumn('cluster_id', 'integer')
          .addColumn('type', 'varchar(32)').addColumn('cpus', 'integer').addColumn('cpu_speed', 'integer').addColumn('total_memory', 'bigint')
          .addColumn('cpu_allocated', 'integer').addColumn('memory_allocated', 'bigint').addColumn('removed', 'bigint').execute();
        syntheticHosts = true;
      }
      ids['a'] = (await s.admin.ok('createZone', { name: 'a', ...ZONE }))['zone'].id;
      ids['b'] = (await s.admin.ok('createZone', { name: 'b', ...ZONE, guestcidraddress: '10.2.0.0/16' }))['zone'].id;
      const pn = await s.admin.jobOk('createPhysicalNetwork', { zoneid: ids['a']!, name: 'pa', vlan: '500-509' });
      ids['pn'] = pn['physicalnetwork'].id;
      await s.admin.jobOk('addTrafficType', { physicalnetworkid: ids['pn']!, traffictype: 'Public' });
      await s.admin.jobOk('addTrafficType', { physicalnetworkid: ids['pn']!, traffictype: 'Guest' });
    });
    after(async () => {
      if (syntheticHosts) await sql`drop table hosts`.execute(s.app.db.kysely);
      await s.close();
    });

    it('refuses malformed public ranges with 431 and creates nothing', async () => {
      const base = { zoneid: ids['a']!, gateway: '198.51.100.1', netmask: '255.255.255.0', startip: '198.51.100.10', endip: '198.51.100.20', forvirtualnetwork: 'true' };
      const bad: Array<[Record<string, string>, RegExp]> = [
        [{ netmask: '255.0.255.0' }, /netmask/],
        [{ netmask: '255.255.255.x' }, /netmask/],
        [{ gateway: '198.51.101.1' }, /not in the subnet/],
        [{ startip: '198.51.100.30' }, /greater than/],
        [{ endip: '198.51.100.300' }, /end IP/],
        [{ startip: '198.51.100' }, /start IP/],
        [{ gateway: '198.51.100.15' }, /gateway .* must not be part/],
        [{ endip: '198.51.101.20' }, /not in the subnet/],
        [{ vlan: '5000' }, /VLAN tag/],
        [{ zoneid: '00000000-0000-4000-8000-000000000000' }, /Invalid parameter zoneid value=/],
        [{ gateway: '' }, /gateway is required/],
      ];
      for (const [delta, re] of bad) expectError(await s.admin.call('createVlanIpRange', { ...base, ...delta }), 431, re);
      expectError(await s.admin.call('createVlanIpRange', { ...base, gateway: '198.50.0.1', netmask: '255.254.0.0', startip: '198.50.0.2', endip: '198.51.255.254' }), 431, /too large/);
      assert.equal(await ipCount(), 0);
      assert.deepEqual(await s.admin.ok('listVlanIpRanges'), {});
      const r = (await s.admin.ok('createVlanIpRange', { ...base, vlan: '100' }))['vlan'];
      assert.equal(r.vlan, 'vlan://100');
      assert.equal(r.physicalnetworkid, ids['pn']);
      ids['pub'] = r.id;
      assert.equal(await ipCount(), 11);
    });

    it('refuses overlaps within a zone, public overlaps across zones, and VLAN subnet mismatches', async () => {
      const r = { gateway: '198.51.100.1', netmask: '255.255.255.0', forvirtualnetwork: 'true' };
      expectError(await s.admin.call('createVlanIpRange', { ...r, zoneid: ids['a']!, startip: '198.51.100.20', endip: '198.51.100.25' }), 431, /overlaps with the IP range 198\.51\.100\.10-198\.51\.100\.20 of zone a/);
      expectError(await s.admin.call('createVlanIpRange', { ...r, zoneid: ids['b']!, startip: '198.51.100.5', endip: '198.51.100.12' }), 431, /overlaps .* zone a/);
      expectError(await s.admin.call('createVlanIpRange', { zoneid: ids['a']!, vlan: '100', gateway: '192.0.2.1', netmask: '255.255.255.0', startip: '192.0.2.10', endip: '192.0.2.20' }), 431, /must match/);
      const second = (await s.admin.ok('createVlanIpRange', { ...r, zoneid: ids['a']!, vlan: '100', startip: '198.51.100.30', endip: '198.51.100.39' }))['vlan'];
      assert.equal(second.cidr, '198.51.100.0/24');
      expectError(await s.admin.call('createVlanIpRange', { zoneid: ids['b']!, podid: '00000000-0000-4000-8000-000000000000', gateway: '1.1.1.1', netmask: '255.255.255.0', startip: '1.1.1.2' }), 431);
      assert.equal(await ipCount(), 21);
      assert.equal((await s.admin.ok('listVlanIpRanges', { zoneid: ids['a']! }))['count'], 2);
      assert.equal((await s.admin.ok('deleteVlanIpRange', { id: second.id }))['success'], 'true');
      assert.equal(await ipCount(), 11);
    });

    it('keeps pod private ranges unique across the cloud and clear of public and guest ranges', async () => {
      const pod = { gateway: '172.16.0.1', netmask: '255.255.255.0', startip: '172.16.0.10', endip: '172.16.0.20' };
      const pa = (await s.admin.ok('createPod', { name: 'pa', zoneid: ids['a']!, ...pod }))['pod'];
      ids['pod'] = pa.id;
      expectError(await s.admin.call('createPod', { name: 'pb', zoneid: ids['b']!, ...pod }), 431, /172\.16\.0\.10 is already used|already used/);
      expectError(await s.admin.call('createPod', { name: 'pa2', zoneid: ids['a']!, ...pod, startip: '172.16.0.100', endip: '172.16.0.110' }), 431, /overlaps with the CIDR/);
      expectError(await s.admin.call('createPod', { name: 'pb', zoneid: ids['b']!, gateway: '10.2.3.1', netmask: '255.255.255.0', startip: '10.2.3.10' }), 431, /guest CIDR/);
      expectError(await s.admin.call('createPod', { name: 'pb', zoneid: ids['a']!, gateway: '198.51.100.1', netmask: '255.255.255.128', startip: '198.51.100.15', endip: '198.51.100.16' }), 431, /overlaps with the IP range/);
      expectError(await s.admin.call('createPod', { name: 'pb', zoneid: ids['b']!, gateway: '172.17.0.1', netmask: '255.255.255.0', startip: '172.17.0.50', endip: '172.17.0.40' }), 431, /greater than/);
      expectError(await s.admin.call('createPod', { name: 'pa', zoneid: ids['a']!, gateway: '172.18.0.1', netmask: '255.255.255.0', startip: '172.18.0.50' }), 431, /already exists/);
      const rows = Number((await s.app.db.kysely.selectFrom('op_dc_ip_address_alloc').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal(rows, 11);
      const moved = (await s.admin.ok('updatePod', { id: pa.id, startip: '172.16.0.10', endip: '172.16.0.40' }))['pod'];
      assert.deepEqual(moved.endip, ['172.16.0.40']);
      const podId = await idOf('pods', pa.id);
      const taken = await s.app.db.kysely.transaction().execute((trx) => s.app.services.pods.allocatePrivateIp(trx, podId, null));
      assert.equal(taken, '172.16.0.10');
      expectError(await s.admin.call('updatePod', { id: pa.id, endip: '172.16.0.30' }), 536, /in use/);
      expectError(await s.admin.call('deletePod', { id: pa.id }), 536, /private IP/);
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.pods.releasePrivateIp(trx, taken!));
    });

    it('accepts direct ranges: untagged per pod (Basic zones only), tagged dedicated to an account', async () => {
      expectError(await s.admin.call('createVlanIpRange', { zoneid: ids['a']!, forvirtualnetwork: 'false', gateway: '172.30.0.1', netmask: '255.255.255.0', startip: '172.30.0.10' }), 431, /podid is required/);
      // Untagged direct networking combines with nothing (the seed): not in an Advanced zone.
      expectError(await s.admin.call('createVlanIpRange', { podid: ids['pod']!, forvirtualnetwork: 'false', gateway: '172.30.0.1', netmask: '255.255.255.0', startip: '172.30.0.10', endip: '172.30.0.12' }), 431, /Direct untagged network is not supported/);
      const basic = (await s.admin.ok('createZone', { name: 'basic', networktype: 'Basic', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'].id;
      const bpod = (await s.admin.ok('createPod', { name: 'bp', zoneid: basic, gateway: '172.17.0.1', netmask: '255.255.255.0', startip: '172.17.0.10', endip: '172.17.0.20' }))['pod'].id;
      const untagged = (await s.admin.ok('createVlanIpRange', { podid: bpod, forvirtualnetwork: 'false', gateway: '172.30.0.1', netmask: '255.255.255.0', startip: '172.30.0.10', endip: '172.30.0.12' }))['vlan'];
      assert.equal(untagged.forvirtualnetwork, false);
      assert.equal(untagged.podid, bpod);
      assert.equal(untagged.zoneid, basic);
      const u = await s.newAccount();
      const tagged = (await s.admin.ok('createVlanIpRange', { zoneid: ids['a']!, forvirtualnetwork: 'false', vlan: 'vlan://200', gateway: '172.31.0.1', netmask: '255.255.255.0', startip: '172.31.0.10', endip: '172.31.0.19', account: u.accountName, domainid: (await s.admin.ok('listDomains'))['domain'][0].id }))['vlan'];
      assert.equal(tagged.account, u.accountName);
      assert.equal(tagged.domain, 'ROOT');
      expectError(await s.admin.call('createVlanIpRange', { zoneid: ids['a']!, forvirtualnetwork: 'true', vlan: '200', gateway: '172.31.0.1', netmask: '255.255.255.0', startip: '172.31.0.100' }), 431, /already used by a DirectAttached/);
      assert.equal((await s.admin.ok('listVlanIpRanges', { forvirtualnetwork: 'false' }))['count'], 2);
      assert.equal((await s.admin.ok('listVlanIpRanges', { podid: bpod }))['vlaniprange'][0].id, untagged.id);
      await s.admin.ok('deleteVlanIpRange', { id: untagged.id });
      await s.admin.ok('deleteVlanIpRange', { id: tagged.id });
    });

    it('grows and shrinks a public range, never dropping an address in use', async () => {
      const grown = (await s.admin.ok('updateVlanIpRange', { id: ids['pub']!, startip: '198.51.100.5', endip: '198.51.100.25' }))['vlaniprange'];
      assert.equal(grown.startip, '198.51.100.5');
      assert.equal(await ipCount(), 21);
      await s.app.db.kysely.updateTable('user_ip_addresses').set({ state: 'Allocated' }).where('public_ip_address', '=', '198.51.100.24').execute();
      expectError(await s.admin.call('updateVlanIpRange', { id: ids['pub']!, endip: '198.51.100.20' }), 536, /198\.51\.100\.24/);
      const shrunk = (await s.admin.ok('updateVlanIpRange', { id: ids['pub']!, startip: '198.51.100.10' }))['vlaniprange'];
      assert.equal(shrunk.startip, '198.51.100.10');
      assert.equal(await ipCount(), 16);
    });

    it('allocates guest VLANs and refuses to drop a taken one', async () => {
      const pnId = await idOf('physical_networks', ids['pn']!);
      const k = s.app.db.kysely;
      const got = await k.transaction().execute((trx) => s.app.services.physicalNetworks.allocateGuestVlan(trx, pnId, 2));
      assert.equal(got, '500');
      const shrink = await s.admin.job('updatePhysicalNetwork', { id: ids['pn']!, vlan: '501-509' });
      assert.equal(shrink['jobstatus'], 2);
      assert.match(shrink['jobresult'].errortext, /500/);
      const grow = await s.admin.jobOk('updatePhysicalNetwork', { id: ids['pn']!, vlan: '500-519' });
      assert.equal(grow['physicalnetwork'].vlan, '500-519');
      expectError(await s.admin.call('createPhysicalNetwork', { zoneid: ids['a']!, name: 'pa2', vlan: '515-530' }), 431, /overlaps with the range 500-519 of physical network pa/);
      expectError(await s.admin.call('createPhysicalNetwork', { zoneid: ids['a']!, name: 'pa2', vlan: '20-10' }), 431, /start VLAN/);
      assert.equal((await s.admin.ok('listPhysicalNetworks', { zoneid: ids['a']! }))['count'], 1);
      await k.transaction().execute((trx) => s.app.services.physicalNetworks.releaseGuestVlan(trx, pnId, '500'));
      assert.equal((await s.admin.jobOk('updatePhysicalNetwork', { id: ids['pn']!, vlan: '501-510' }))['physicalnetwork'].vlan, '501-510');
      // An IP range and the guest VLANs never share a tag: a host bridges a VLAN by its tag alone.
      expectError(await s.admin.call('createVlanIpRange', { zoneid: ids['a']!, vlan: '505', gateway: '192.0.2.129', netmask: '255.255.255.128', startip: '192.0.2.130', endip: '192.0.2.140' }), 431, /505 is already being used for dynamic VLAN allocation/);
      const onPublic = await s.admin.job('updatePhysicalNetwork', { id: ids['pn']!, vlan: '95-105;501-510' });
      assert.equal(onPublic['jobstatus'], 2);
      assert.match(onPublic['jobresult'].errortext, /includes VLAN 100, which an IP range of the zone uses/);
      assert.equal((await s.admin.ok('listPhysicalNetworks', { zoneid: ids['a']! }))['physicalnetwork'][0].vlan, '501-510');
      // Exhaustion is a 533 for the caller that wanted a VLAN.
      await assert.rejects(k.transaction().execute(async (trx) => { for (let i = 0; i < 11; i++) await s.app.services.physicalNetworks.allocateGuestVlan(trx, pnId, 2); }), (e: any) => e.kind === 'InsufficientCapacity');
    });

    it('computes capacity from the live tables', async () => {
      const cluster = (await s.admin.ok('addCluster', { clustername: 'c', zoneid: ids['a']!, podid: ids['pod']!, hypervisor: 'KVM', clustertype: 'CloudManaged' }))['cluster'][0];
      await s.admin.ok('createStoragePool', { name: 'n', zoneid: ids['a']!, podid: ids['pod']!, clusterid: cluster.id, url: 'nfs://10.9.9.9/p', capacitybytes: 1000 });
      const zoneId = await idOf('zones', ids['a']!);
      const podId = await idOf('pods', ids['pod']!);
      const clusterId = await idOf('clusters', cluster.id);
      const poolId = (await s.app.db.kysely.selectFrom('storage_pools').select('id').where('name', '=', 'n').executeTakeFirstOrThrow()).id;
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.storagePools.adjustAllocated(trx, poolId, 500));
      if (syntheticHosts) {
        await s.app.db.kysely.insertInto('hosts' as never).values([
          { id: 1, zone_id: zoneId, pod_id: podId, cluster_id: clusterId, type: 'Routing', cpus: 4, cpu_speed: 2000, total_memory: 8192, cpu_allocated: 1000, memory_allocated: 2048, removed: null },
          { id: 2, zone_id: zoneId, pod_id: podId, cluster_id: clusterId, type: 'Routing', cpus: 4, cpu_speed: 2000, total_memory: 8192, cpu_allocated: 3000, memory_allocated: 0, removed: null },
          { id: 3, zone_id: zoneId, pod_id: podId, cluster_id: clusterId, type: 'Routing', cpus: 64, cpu_speed: 2000, total_memory: 1, cpu_allocated: 0, memory_allocated: 0, removed: 1 },
        ] as never).execute();
        await s.admin.ok('updateConfiguration', { name: 'cpu.overprovisioning.factor', value: '2' });
      }
      const caps = (await s.admin.ok('listCapacity', { zoneid: ids['a']! }))['capacity'];
      const by = new Map<number, any>(caps.map((c: any) => [c.type, c]));
      assert.deepEqual([...by.keys()].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(by.get(4).capacitytotal, 16);
      assert.equal(by.get(4).capacityused, 1);
      assert.equal(by.get(4).percentused, '6.25');
      assert.equal(by.get(5).capacitytotal, 31);
      assert.equal(by.get(7).capacitytotal, 10);
      assert.equal(by.get(2).capacitytotal, 1000);
      assert.equal(by.get(3).capacityused, 500);
      assert.equal(by.get(3).capacitytotal, 2000, 'NFS pools are over-provisioned by storage.overprovisioning.factor (2)');
      assert.equal(by.get(4).zonename, 'a');
      if (syntheticHosts) {
        assert.equal(by.get(1).capacitytotal, 2 * 4 * 2000 * 2);
        assert.equal(by.get(1).capacityused, 4000);
        assert.equal(by.get(1).percentused, '12.50');
        assert.equal(by.get(0).capacitytotal, 16384);
        assert.equal(by.get(0).capacityused, 2048);
      }
      const sorted = (await s.admin.ok('listCapacity', { zoneid: ids['a']!, sortby: 'usage' }))['capacity'].map((c: any) => Number(c.percentused));
      assert.deepEqual(sorted, [...sorted].sort((x, y) => y - x));
      const pod = (await s.admin.ok('listCapacity', { podid: ids['pod']! }))['capacity'];
      assert.deepEqual(pod.map((c: any) => c.type).sort(), [0, 1, 2, 3, 5, 9]);
      assert.equal(pod[0].podname, 'pa');
      const cl = (await s.admin.ok('listCapacity', { clusterid: cluster.id, type: 2 }))['capacity'];
      assert.equal(cl.length, 1);
      assert.equal(cl[0].clustername, 'c');
      assert.equal(cl[0].capacitytotal, 1000);
      const zone = (await s.admin.ok('listZones', { id: ids['a']!, showcapacities: 'true' }))['zone'][0];
      assert.equal(zone.capacity.find((c: any) => c.type === 4).capacitytotal, 16);
      const pool = (await s.admin.ok('listStoragePools', { name: 'n' }))['storagepool'][0];
      assert.equal(pool.disksizeallocated, 500);
      assert.equal(pool.overprovisionfactor, '2');
      const u = await s.newAccount();
      expectError(await u.call('listCapacity'), 432);
    });
  });
}
