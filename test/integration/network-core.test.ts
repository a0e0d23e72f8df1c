/**
 * Network offerings, guest networks and public IPs over real HTTP on every database:
 * seeded offerings, isolated network lifecycle (implement → VLAN + source NAT, shutdown,
 * delete), shared networks, associate/disassociate with limits and events, isolation.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { expectError } from './infra-helpers.js';

const ZONE = { networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' };

for (const dialect of dialectsUnderTest()) {
  describe(`networks: offerings, networks, public IPs (${dialect})`, () => {
    let s: TestServer;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let bob: Awaited<ReturnType<TestServer['newAccount']>>;
    let zoneId = '';
    let isoOffering = '';
    let sharedOffering = '';
    let aliceNet = '';
    const idOf = async (table: 'networks' | 'user_ip_addresses', uuid: string) =>
      (await s.app.db.kysely.selectFrom(table).select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow()).id;

    before(async () => {
      s = await startServer(dialect);
      zoneId = (await s.admin.ok('createZone', { name: 'z1', ...ZONE }))['zone'].id;
      await s.admin.ok('updateZone', { id: zoneId, allocationstate: 'Enabled' });
      const pn = (await s.admin.jobOk('createPhysicalNetwork', { zoneid: zoneId, name: 'pn1', vlan: '600-601' }))['physicalnetwork'].id;
      await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Public' });
      await s.admin.jobOk('addTrafficType', { physicalnetworkid: pn, traffictype: 'Guest' });
      await s.admin.ok('createVlanIpRange', { zoneid: zoneId, vlan: 'untagged', forvirtualnetwork: 'true', gateway: '203.0.113.1', netmask: '255.255.255.0', startip: '203.0.113.10', endip: '203.0.113.14' });
      alice = await s.newAccount({ name: `alice${dialect}` });
      bob = await s.newAccount({ name: `bob${dialect}` });
    });
    after(async () => {
      await s.close();
    });

    it('lists the seeded default offerings with services, providers and capabilities', async () => {
      const all = (await alice.ok('listNetworkOfferings'))['networkoffering'];
      const names = all.map((o: any) => o.name);
      for (const n of ['DefaultIsolatedNetworkOfferingWithSourceNatService', 'DefaultSharedNetworkOffering', 'DefaultSharedNetworkOfferingWithSGService']) assert.ok(names.includes(n), n);
      const iso = all.find((o: any) => o.name === 'DefaultIsolatedNetworkOfferingWithSourceNatService');
      isoOffering = iso.id;
      sharedOffering = all.find((o: any) => o.name === 'DefaultSharedNetworkOffering').id;
      assert.equal(iso.guestiptype, 'Isolated');
      assert.equal(iso.availability, 'Required');
      const svc = Object.fromEntries(iso.service.map((x: any) => [x.name, x]));
      for (const n of ['SourceNat', 'StaticNat', 'PortForwarding', 'Lb', 'Firewall', 'Dhcp', 'Dns', 'UserData', 'Vpn']) assert.ok(svc[n], n);
      assert.deepEqual(svc['Lb'].provider, [{ name: 'VirtualRouter' }]);
      assert.ok(svc['Lb'].capability.some((c: any) => c.name === 'SupportedLBAlgorithms'));
      const sg = all.find((o: any) => o.name === 'DefaultSharedNetworkOfferingWithSGService');
      assert.ok(sg.service.some((x: any) => x.name === 'SecurityGroup' && x.provider[0].name === 'SecurityGroupProvider'));
      const bySvc = (await alice.ok('listNetworkOfferings', { supportedservices: 'SourceNat' }))['networkoffering'];
      assert.ok(bySvc.every((o: any) => o.service.some((x: any) => x.name === 'SourceNat')));
      assert.equal((await alice.ok('listNetworkOfferings', { guestiptype: 'Shared', sourcenatsupported: 'true' }))['count'] ?? 0, 0);
    });

    it('creates, updates and deletes an offering (admin only; defaults protected)', async () => {
      expectError(await alice.call('createNetworkOffering', { name: 'x', traffictype: 'Guest', guestiptype: 'Isolated' }), 432);
      const o = (await s.admin.ok('createNetworkOffering', { name: 'custom', displaytext: 'Custom', traffictype: 'Guest', guestiptype: 'Isolated', supportedservices: 'Dhcp,Dns,SourceNat,Firewall' }))['networkoffering'];
      assert.equal(o.state, 'Disabled');
      assert.deepEqual(o.service.map((x: any) => x.name).sort(), ['Dhcp', 'Dns', 'Firewall', 'SourceNat']);
      expectError(await s.admin.call('createNetworkOffering', { name: 'custom', traffictype: 'Guest', guestiptype: 'Isolated' }), 431, /already exists/);
      expectError(await s.admin.call('createNetworkOffering', { name: 'bad', traffictype: 'Guest', guestiptype: 'Shared', supportedservices: 'SourceNat' }), 431);
      const u = (await s.admin.ok('updateNetworkOffering', { id: o.id, state: 'Enabled', displaytext: 'Custom 2' }))['networkoffering'];
      assert.equal(u.state, 'Enabled');
      assert.equal(u.displaytext, 'Custom 2');
      expectError(await s.admin.call('deleteNetworkOffering', { id: isoOffering }), 431, /Default/);
      await s.admin.ok('deleteNetworkOffering', { id: o.id });
      assert.equal((await s.admin.ok('listNetworkOfferings', { id: o.id }))['count'] ?? 0, 0);
    });

    it('creates an isolated network with the zone guest CIDR, Allocated, without VLAN', async () => {
      const n = (await alice.ok('createNetwork', { name: 'net1', displaytext: 'Net 1', networkofferingid: isoOffering, zoneid: zoneId }))['network'];
      aliceNet = n.id;
      assert.equal(n.state, 'Allocated');
      assert.equal(n.type, 'Isolated');
      assert.equal(n.traffictype, 'Guest');
      assert.equal(n.cidr, '10.1.1.0/24');
      assert.equal(n.gateway, '10.1.1.1');
      assert.equal(n.netmask, '255.255.255.0');
      assert.equal(n.account, alice.accountName);
      assert.equal(n.networkofferingid, isoOffering);
      assert.equal(n.vlan, undefined);
      assert.ok(n.service.some((x: any) => x.name === 'SourceNat'));
      const ev = (await alice.ok('listEvents', { type: 'NETWORK.CREATE' }))['event'];
      assert.equal(ev.length, 1);
    });

    it('lists networks with scoping: bob sees none of alice\'s; admin sees them with listall', async () => {
      assert.equal((await alice.ok('listNetworks'))['network'].length, 1);
      assert.equal((await bob.ok('listNetworks'))['count'] ?? 0, 0);
      assert.equal((await bob.ok('listNetworks', { id: aliceNet }))['count'] ?? 0, 0);
      const adminAll = (await s.admin.ok('listNetworks', { listall: 'true', type: 'Isolated' }))['network'];
      assert.ok(adminAll.some((n: any) => n.id === aliceNet));
      expectError(await bob.call('updateNetwork', { id: aliceNet, name: 'x' }), 531);
      expectError(await bob.call('deleteNetwork', { id: aliceNet }), 531);
    });

    it('associates public IPs; implement makes the first one source NAT and takes a VLAN', async () => {
      const r = await alice.call('associateIpAddress', { networkid: aliceNet });
      assert.equal(r.status, 200);
      const ipId = String(r.inner['id']);
      assert.ok(ipId);
      // Listed at once, then Allocated when the job ends.
      const done = await alice.job('associateIpAddress', { zoneid: zoneId });
      assert.equal(done['jobstatus'], 1, JSON.stringify(done));
      const listed = (await alice.ok('listPublicIpAddresses', { associatednetworkid: aliceNet }))['publicipaddress'];
      assert.equal(listed.length, 2);
      assert.ok(listed.every((i: any) => i.state === 'Allocated' && i.issourcenat === false && i.account === alice.accountName));
      assert.equal((await bob.ok('listPublicIpAddresses'))['count'] ?? 0, 0);
      expectError(await bob.call('disassociateIpAddress', { id: ipId }), 531);

      const net = await s.app.services.networks.implement(await idOf('networks', aliceNet));
      assert.equal(net.state, 'Implemented');
      assert.match(net.vlan!, /^60[01]$/);
      const snat = (await alice.ok('listPublicIpAddresses', { issourcenat: 'true' }))['publicipaddress'];
      assert.equal(snat.length, 1);
      assert.equal(snat[0].id, ipId);
      const adminView = (await s.admin.ok('listNetworks', { id: aliceNet }))['network'][0];
      assert.equal(adminView.vlan, net.vlan);
      assert.equal(adminView.broadcasturi, `vlan://${net.vlan}`);
      assert.equal((await alice.ok('listNetworks', { id: aliceNet }))['network'][0].vlan, undefined);

      expectError(await alice.call('disassociateIpAddress', { id: ipId }), 431, /source nat/);
      const other = listed.find((i: any) => i.id !== ipId);
      await alice.jobOk('disassociateIpAddress', { id: other.id });
      assert.equal((await alice.ok('listPublicIpAddresses'))['publicipaddress'].length, 1);
      const free = (await s.admin.ok('listPublicIpAddresses', { allocatedonly: 'false', ipaddress: other.ipaddress }))['publicipaddress'][0];
      assert.equal(free.state, 'Free');
      assert.ok((await alice.ok('listEvents', { type: 'NET.IPRELEASE' }))['event'].length >= 1);
      assert.ok(s.app.services.networkNotifier.changes.get(await idOf('networks', aliceNet))! >= 2);
    });

    it('shuts a network down (VLAN back), restarts it and refuses delete with live NICs', async () => {
      const nid = await idOf('networks', aliceNet);
      await s.app.services.networks.shutdown(nid);
      const n = (await s.admin.ok('listNetworks', { id: aliceNet }))['network'][0];
      assert.equal(n.state, 'Allocated');
      assert.equal(n.vlan, undefined);
      const taken = await s.app.db.kysely.selectFrom('op_dc_vnet_alloc').select('vnet').where('network_id', '=', nid).execute();
      assert.equal(taken.length, 0);
      await s.app.services.networks.implement(nid);
      await alice.jobOk('restartNetwork', { id: aliceNet, cleanup: 'true' });
      assert.equal((await alice.ok('listNetworks', { id: aliceNet }))['network'][0].state, 'Implemented');
      const upd = await alice.jobOk('updateNetwork', { id: aliceNet, displaytext: 'renamed' });
      assert.equal(upd['network'].displaytext, 'renamed');
      // A NIC keeps the network alive.
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.nics.allocateNic(trx, { vmId: 999001, networkId: nid }));
      expectError(await alice.call('deleteNetwork', { id: aliceNet }), 431, /not all user vms are expunged/);
    });

    it('allocates unique guest IPs and deterministic MACs, reclaimed at release', async () => {
      const nid = await idOf('networks', aliceNet);
      const k = s.app.db.kysely;
      const a = await k.transaction().execute((trx) => s.app.services.nics.allocateNic(trx, { vmId: 999002, networkId: nid }));
      const b = await k.transaction().execute((trx) => s.app.services.nics.allocateNic(trx, { vmId: 999003, networkId: nid }));
      assert.equal(a.ip_address, '10.1.1.3');
      assert.equal(b.ip_address, '10.1.1.4');
      assert.equal(a.mac_address, '02:00:00:0f:3e:5a');
      await assert.rejects(k.transaction().execute((trx) => s.app.services.nics.allocateNic(trx, { vmId: 999004, networkId: nid, ip: '10.1.1.3' })));
      for (const vm of [999001, 999002, 999003]) await k.transaction().execute((trx) => s.app.services.nics.releaseNics(trx, vm));
      const c = await k.transaction().execute((trx) => s.app.services.nics.allocateNic(trx, { vmId: 999005, networkId: nid, ip: '10.1.1.3' }));
      assert.equal(c.ip_address, '10.1.1.3');
      await k.transaction().execute((trx) => s.app.services.nics.releaseNics(trx, 999005));
    });

    it('enforces the public_ip limit with 532', async () => {
      await s.admin.ok('updateResourceLimit', { account: bob.accountName, domainid: (await s.admin.ok('listDomains'))['domain'][0].id, resourcetype: '1', max: '0' });
      const n = (await bob.ok('createNetwork', { name: 'bnet', networkofferingid: isoOffering, zoneid: zoneId }))['network'];
      expectError(await bob.call('associateIpAddress', { networkid: n.id }), 532);
      expectError(await alice.call('associateIpAddress', { networkid: n.id }), 531);
    });

    it('creates a shared network for a domain (admin only) visible to its accounts', async () => {
      expectError(await alice.call('createNetwork', { name: 's', networkofferingid: sharedOffering, zoneid: zoneId, vlan: '700', gateway: '172.16.0.1', netmask: '255.255.255.0', startip: '172.16.0.10', endip: '172.16.0.20' }), 531);
      const n = (await s.admin.ok('createNetwork', { name: 'shared1', networkofferingid: sharedOffering, zoneid: zoneId, vlan: '700', gateway: '172.16.0.1', netmask: '255.255.255.0', startip: '172.16.0.10', endip: '172.16.0.20' }))['network'];
      assert.equal(n.type, 'Shared');
      assert.equal(n.acltype, 'Domain');
      assert.equal(n.vlan, '700');
      assert.equal(n.state, 'Setup');
      expectError(await s.admin.call('createNetwork', { name: 'dup', networkofferingid: sharedOffering, zoneid: zoneId, vlan: '700', gateway: '172.17.0.1', netmask: '255.255.255.0', startip: '172.17.0.10' }), 431, /vlan 700/);
      const seen = (await bob.ok('listNetworks', { type: 'Shared' }))['network'];
      assert.deepEqual(seen.map((x: any) => x.id), [n.id]);
      const sid = await idOf('networks', n.id);
      const nic = await s.app.db.kysely.transaction().execute((trx) => s.app.services.nics.allocateNic(trx, { vmId: 999010, networkId: sid }));
      assert.equal(nic.ip_address, '172.16.0.10');
      await s.app.db.kysely.transaction().execute((trx) => s.app.services.nics.releaseNics(trx, 999010));
      expectError(await bob.call('deleteNetwork', { id: n.id }), 531);
      await s.admin.jobOk('deleteNetwork', { id: n.id });
    });

    it('deletes a network: its IPs are freed and the network count drops', async () => {
      const n = (await alice.ok('createNetwork', { name: 'tmp', networkofferingid: isoOffering, zoneid: zoneId }))['network'];
      const ip = await alice.jobOk('associateIpAddress', { networkid: n.id });
      await alice.jobOk('deleteNetwork', { id: n.id });
      assert.equal((await alice.ok('listNetworks', { id: n.id }).catch(() => ({ count: 0 })))['count'] ?? 0, 0);
      const row = await s.app.db.kysely.selectFrom('user_ip_addresses').select('state').where('uuid', '=', ip['ipaddress'].id).executeTakeFirstOrThrow();
      assert.equal(row.state, 'Free');
      assert.ok((await alice.ok('listEvents', { type: 'NETWORK.DELETE' }))['event'].some((e: any) => e.state === 'Completed'));
    });
  });
}
