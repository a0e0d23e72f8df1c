/**
 * Direct attached networking over real HTTP on every database: the Basic zone's one untagged
 * guest network and its pod ranges, tagged direct ranges that become an account's (or a
 * domain's) shared network, and the seed's combination rules — untagged direct combines with
 * nothing, an account may have virtual and tagged direct networks side by side.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { expectError } from './infra-helpers.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';

const DNS = { dns1: '8.8.8.8', internaldns1: '10.0.0.2' };

for (const dialect of dialectsUnderTest()) {
  describe(`direct attached networking (${dialect})`, () => {
    let s: TestServer;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let bob: Awaited<ReturnType<TestServer['newAccount']>>;
    const ids: Record<string, string> = {};
    let fx: VmFixtures;
    const offering = async (name: string) => (await s.admin.ok('listNetworkOfferings', { name }))['networkoffering'][0].id as string;

    before(async () => {
      s = await startServer(dialect);
      ids['basic'] = (await s.admin.ok('createZone', { name: 'basic', networktype: 'Basic', ...DNS }))['zone'].id;
      ids['bpod'] = (await s.admin.ok('createPod', { name: 'bp', zoneid: ids['basic']!, gateway: '192.168.120.1', netmask: '255.255.255.0', startip: '192.168.120.10', endip: '192.168.120.20' }))['pod'].id;
      ids['adv'] = (await s.admin.ok('createZone', { name: 'adv', networktype: 'Advanced', ...DNS }))['zone'].id;
      await s.admin.ok('updateZone', { id: ids['adv']!, allocationstate: 'Enabled' });
      ids['apod'] = (await s.admin.ok('createPod', { name: 'ap', zoneid: ids['adv']!, gateway: '192.168.121.1', netmask: '255.255.255.0', startip: '192.168.121.10', endip: '192.168.121.20' }))['pod'].id;
      const pn = (await s.admin.jobOk('createPhysicalNetwork', { zoneid: ids['adv']!, name: 'pn', vlan: '700-709' }))['physicalnetwork'].id;
      await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Public' });
      await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Guest' });
      ids['domain'] = (await s.admin.ok('listDomains'))['domain'][0].id;
      alice = await s.newAccount({ name: `alice${dialect}` });
      bob = await s.newAccount({ name: `bob${dialect}` });
      fx = new VmFixtures(s.app.db);
      await fx.init();
      ids['so'] = (await fx.serviceOffering()).uuid;
      for (const z of ['basic', 'adv'] as const) {
        const zid = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', ids[z]!).executeTakeFirstOrThrow()).id;
        ids[`tpl-${z}`] = (await fx.template(zid)).uuid;
      }
    });
    after(async () => {
      await s.close();
    });

    it('a Basic zone has one shared untagged guest network, fed by pod ranges; nothing else combines with it', async () => {
      const sg = await offering('DefaultSharedNetworkOfferingWithSGService');
      expectError(await s.admin.call('createNetwork', { zoneid: ids['basic']!, name: 'iso', displaytext: 'x', networkofferingid: await offering('DefaultIsolatedNetworkOfferingWithSourceNatService') }), 431, /Only shared guest network/);
      expectError(await alice.call('createNetwork', { zoneid: ids['basic']!, name: 'g', displaytext: 'x', networkofferingid: sg }), 531);
      const n = (await s.admin.ok('createNetwork', { zoneid: ids['basic']!, name: 'guest', displaytext: 'Guest', networkofferingid: sg }))['network'];
      assert.deepEqual([n.type, n.acltype, n.vlan, n.broadcasturi], ['Shared', 'Domain', 'untagged', 'vlan://untagged']);
      assert.ok(n.service.some((x: any) => x.name === 'SecurityGroup'));
      expectError(await s.admin.call('createNetwork', { zoneid: ids['basic']!, name: 'guest2', displaytext: 'x', networkofferingid: sg }), 431, /Only one guest network is supported in Basic zone/);
      const range = (await s.admin.ok('createVlanIpRange', { podid: ids['bpod']!, forvirtualnetwork: false, gateway: '172.21.0.1', netmask: '255.255.255.0', startip: '172.21.0.10', endip: '172.21.0.20' }))['vlan'];
      const row = await s.app.db.kysely.selectFrom('vlans as v').innerJoin('networks as n', 'n.id', 'v.network_id').select('n.uuid').where('v.uuid', '=', range.id).executeTakeFirstOrThrow();
      assert.equal(row.uuid, n.id, 'the pod range belongs to the zone network');
      // Untagged direct combines with nothing: no public ranges, no tagged direct ranges in a Basic zone.
      expectError(await s.admin.call('createVlanIpRange', { zoneid: ids['basic']!, forvirtualnetwork: true, gateway: '203.0.113.1', netmask: '255.255.255.0', startip: '203.0.113.10' }), 431, /Advanced networking/);
      expectError(await s.admin.call('createVlanIpRange', { zoneid: ids['basic']!, podid: ids['bpod']!, forvirtualnetwork: false, vlan: '300', gateway: '172.22.0.1', netmask: '255.255.255.0', startip: '172.22.0.10' }), 431, /cannot be combined with tagged direct or virtual/);
      // Everyone in the domain sees the zone's network; users cannot delete it.
      assert.deepEqual((await alice.ok('listNetworks', { zoneid: ids['basic']! }))['network'].map((x: any) => x.id), [n.id]);
    });

    it('untagged direct without security groups: guests of any account share the pod range, without groups', async () => {
      const z = (await s.admin.ok('createZone', { name: 'plain', networktype: 'Basic', ...DNS }))['zone'].id;
      await s.admin.ok('updateZone', { id: z, allocationstate: 'Enabled' });
      const pod = (await s.admin.ok('createPod', { name: 'pp', zoneid: z, gateway: '192.168.122.1', netmask: '255.255.255.0', startip: '192.168.122.10', endip: '192.168.122.20' }))['pod'].id;
      const zid = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z).executeTakeFirstOrThrow()).id;
      const tpl = (await fx.template(zid)).uuid;
      const params = (extra: Record<string, string> = {}) => ({ zoneid: z, serviceofferingid: ids['so']!, templateid: tpl, startvm: false, ...extra });
      // Capacity errors keep their text for root admins only (CloudStack hides it from others).
      expectError(await s.admin.call('deployVirtualMachine', params()), 533, /Unable to find a guest network in the Basic zone/);
      expectError(await alice.call('deployVirtualMachine', params()), 533);
      await s.admin.ok('createNetwork', { zoneid: z, name: 'plain', displaytext: 'plain', networkofferingid: await offering('DefaultSharedNetworkOffering') });
      expectError(await s.admin.call('deployVirtualMachine', params()), 533, /no free direct IP address/);
      await s.admin.ok('createVlanIpRange', { podid: pod, forvirtualnetwork: false, gateway: '172.27.0.1', netmask: '255.255.255.0', startip: '172.27.0.10', endip: '172.27.0.11' });
      expectError(await alice.call('deployVirtualMachine', params({ securitygroupnames: 'default' })), 431, /security group feature is not enabled/);
      const ips: string[] = [];
      for (const c of [alice, bob]) {
        const vm = (await c.jobOk('deployVirtualMachine', params()))['virtualmachine'];
        assert.equal(vm.state, 'Stopped');
        assert.deepEqual(vm.securitygroup, []);
        const nic = await s.app.db.kysely.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').select(['c.ip_address', 'v.pod_id'])
          .where('v.uuid', '=', vm.id).executeTakeFirstOrThrow();
        ips.push(nic.ip_address!);
        assert.equal(nic.pod_id, (await s.app.db.kysely.selectFrom('pods').select('id').where('uuid', '=', pod).executeTakeFirstOrThrow()).id, 'pinned to the pod');
      }
      assert.deepEqual(ips, ['172.27.0.10', '172.27.0.11'], 'one subnet for every account: no isolation');
      expectError(await s.admin.call('deployVirtualMachine', params()), 533, /no free direct IP address/);
    });

    it('untagged direct is refused in an Advanced zone, where tagged direct and virtual networks live', async () => {
      expectError(await s.admin.call('createVlanIpRange', { podid: ids['apod']!, forvirtualnetwork: false, gateway: '172.23.0.1', netmask: '255.255.255.0', startip: '172.23.0.10' }), 431, /Direct untagged network is not supported/);
      expectError(await s.admin.call('createNetwork', { zoneid: ids['adv']!, name: 'u', displaytext: 'u', networkofferingid: await offering('DefaultSharedNetworkOffering'), vlan: 'untagged', gateway: '172.23.0.1', netmask: '255.255.255.0', startip: '172.23.0.10' }), 431, /Direct untagged network is not supported/);
    });

    it('a tagged direct range for an account becomes its shared network on the VLAN, beside its virtual network', async () => {
      const r = (await s.admin.ok('createVlanIpRange', { zoneid: ids['adv']!, forvirtualnetwork: false, vlan: '801', gateway: '172.24.0.1', netmask: '255.255.255.0', startip: '172.24.0.10', endip: '172.24.0.19', account: alice.accountName, domainid: ids['domain']! }))['vlan'];
      const mine = (await alice.ok('listNetworks', { zoneid: ids['adv']!, type: 'Shared' }))['network'];
      assert.equal(mine.length, 1);
      assert.deepEqual([mine[0].acltype, mine[0].account, mine[0].gateway, mine[0].cidr], ['Account', alice.accountName, '172.24.0.1', '172.24.0.0/24']);
      const net = await s.app.db.kysely.selectFrom('networks').select(['vlan', 'start_ip', 'end_ip']).where('uuid', '=', mine[0].id).executeTakeFirstOrThrow();
      assert.deepEqual(net, { vlan: '801', start_ip: '172.24.0.10', end_ip: '172.24.0.19' });
      // Bob neither sees nor may use it.
      assert.equal((await bob.ok('listNetworks', { zoneid: ids['adv']!, type: 'Shared' }))['count'] ?? 0, 0);
      // Virtual networking for the same account in the same zone: both networks coexist.
      const iso = (await alice.ok('createNetwork', { zoneid: ids['adv']!, name: 'virt', displaytext: 'virt', networkofferingid: await offering('DefaultIsolatedNetworkOfferingWithSourceNatService') }))['network'];
      const both = (await alice.ok('listNetworks', { zoneid: ids['adv']! }))['network'].map((x: any) => x.type).sort();
      assert.deepEqual(both, ['Isolated', 'Shared']);
      // The VLAN is the account's: another tagged network on it is refused.
      expectError(await s.admin.call('createNetwork', { zoneid: ids['adv']!, name: 'dup', displaytext: 'd', networkofferingid: await offering('DefaultSharedNetworkOffering'), vlan: '801', gateway: '172.25.0.1', netmask: '255.255.255.0', startip: '172.25.0.10' }), 431, /vlan 801 already exists/);
      // Deleting the range (no guests) removes the network made from it.
      await s.admin.ok('deleteVlanIpRange', { id: r.id });
      assert.equal((await alice.ok('listNetworks', { zoneid: ids['adv']!, type: 'Shared' }))['count'] ?? 0, 0);
      assert.ok((await s.admin.ok('listEvents', { type: 'NETWORK.DELETE', listall: true }))['event'].some((e: any) => /with its last IP range/.test(e.description)));
      await alice.job('deleteNetwork', { id: iso.id });
    });

    it('guests on a tagged direct network take its addresses; the same account has virtual guests too', async () => {
      await s.admin.ok('createVlanIpRange', { zoneid: ids['adv']!, forvirtualnetwork: false, vlan: '803', gateway: '172.28.0.1', netmask: '255.255.255.0', startip: '172.28.0.10', endip: '172.28.0.11', account: alice.accountName, domainid: ids['domain']! });
      const direct = (await alice.ok('listNetworks', { zoneid: ids['adv']!, type: 'Shared' }))['network'].find((n: any) => n.gateway === '172.28.0.1').id;
      const params = (extra: Record<string, string>) => ({ zoneid: ids['adv']!, serviceofferingid: ids['so']!, templateid: ids['tpl-adv']!, startvm: false, ...extra });
      const ipOf = async (vmUuid: string) => (await s.app.db.kysely.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').innerJoin('networks as n', 'n.id', 'c.network_id')
        .select(['c.ip_address', 'n.uuid']).where('v.uuid', '=', vmUuid).where('c.removed', 'is', null).execute());
      const d1 = (await alice.jobOk('deployVirtualMachine', params({ networkids: direct })))['virtualmachine'];
      assert.deepEqual(await ipOf(d1.id), [{ ip_address: '172.28.0.10', uuid: direct }]);
      // Virtual networking beside it: the account's isolated network, on the zone's guest CIDR.
      const v1 = (await alice.jobOk('deployVirtualMachine', params({})))['virtualmachine'];
      const vnic = await ipOf(v1.id);
      assert.equal(vnic.length, 1);
      assert.notEqual(vnic[0]!.uuid, direct);
      assert.match(vnic[0]!.ip_address!, /^10\.1\.1\./);
      // Another account cannot use alice's VLAN; the range runs out like any other.
      expectError(await bob.call('deployVirtualMachine', params({ networkids: direct })), 531);
      await alice.jobOk('deployVirtualMachine', params({ networkids: direct }));
      const full = await alice.call('deployVirtualMachine', params({ networkids: direct }));
      assert.equal(full.status, 533);
      // The range cannot go while guests use it.
      const range = (await s.admin.ok('listVlanIpRanges', { zoneid: ids['adv']!, vlan: '803' }))['vlaniprange'][0].id;
      expectError(await s.admin.call('deleteVlanIpRange', { id: range }), 536, /its network has guests/);
    });

    it('a tagged direct range for a domain is a domain-wide shared network', async () => {
      await s.admin.ok('createVlanIpRange', { zoneid: ids['adv']!, forvirtualnetwork: false, vlan: '802', gateway: '172.26.0.1', netmask: '255.255.255.0', startip: '172.26.0.10', endip: '172.26.0.19', domainid: ids['domain']! });
      for (const c of [alice, bob]) {
        const n = (await c.ok('listNetworks', { zoneid: ids['adv']!, type: 'Shared', acltype: 'Domain' }))['network'];
        assert.deepEqual(n.map((x: any) => [x.acltype, x.vlan]), [['Domain', undefined]], 'users see it, not its VLAN');
      }
    });
  });
}
