/**
 * Routers and NICs by who looks: a domain admin lists the routers and networks of its domain
 * and nothing outside it, and cannot act on a router outside it; listNics answers a VM's NICs
 * (with secondary IPs, filters, paging) to its owner and the owner's domain admin, 531 to
 * others; a shared network whose offering has the virtual router serving DHCP gets a
 * DHCP-only router (a free address of the range, no public NIC, a document with role dhcp).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';
import { documentVersion } from '../../src/drivers/router-version.js';

for (const dialect of dialectsUnderTest()) {
  describe(`routers and NICs by domain (${dialect})`, () => {
    let s: TestServer;
    let g: GuestZone;
    type Client = Awaited<ReturnType<TestServer['newAccount']>>;
    let alice: Client;
    let bob: Client;
    let domadmin: Client;
    let domainId = '';
    let aliceVm: any;
    let bobVm: any;

    before(async () => {
      s = await startServer(dialect);
      g = await guestZone(s);
      domainId = (await s.admin.ok('createDomain', { name: `rd${dialect}` }))['domain'].id;
      alice = await s.newAccount({ name: `rdalice${dialect}`, domainid: domainId });
      domadmin = await s.newAccount({ name: `rdadmin${dialect}`, domainid: domainId, accounttype: 2 });
      bob = await s.newAccount({ name: `rdbob${dialect}` });
      const deploy = async (c: Client, name: string, extra: Record<string, string> = {}) =>
        (await c.jobOk('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, name, ...extra }))['virtualmachine'];
      aliceVm = await deploy(alice, 'a1');
      bobVm = await deploy(bob, 'b1');
    });
    after(async () => {
      g.close();
      await s.close();
    });

    const routerOf = async (networkId: string) => (await s.admin.ok('listRouters', { networkid: networkId, listall: true }))['router'][0];

    it("a domain admin sees its domain's routers and networks, not others'; it cannot stop another domain's router", async () => {
      const ra = await routerOf(aliceVm.nic[0].networkid);
      const rb = await routerOf(bobVm.nic[0].networkid);
      const mine = (await domadmin.ok('listRouters', { listall: true }))['router'] as any[];
      assert.deepEqual(mine.map((r) => r.id), [ra.id]);
      assert.equal(mine[0].domainid, domainId);
      assert.equal((await domadmin.ok('listRouters', { id: rb.id, listall: true }))['count'] ?? 0, 0);
      assert.equal((await domadmin.call('listRouters', { domainid: rb.domainid, listall: true })).status, 531);
      const nets = ((await domadmin.ok('listNetworks', { listall: true }))['network'] ?? []).map((n: any) => n.id);
      assert.ok(nets.includes(aliceVm.nic[0].networkid));
      assert.ok(!nets.includes(bobVm.nic[0].networkid));
      const stop = await domadmin.call('stopRouter', { id: rb.id });
      assert.equal(stop.status, 531, JSON.stringify(stop.inner));
      assert.equal((await routerOf(bobVm.nic[0].networkid)).state, 'Running');
      // Its own domain's router it may reboot.
      assert.equal((await domadmin.jobOk('rebootRouter', { id: ra.id }))['router'].state, 'Running');
    });

    it("listNics: the VM's NICs with secondary IPs and filters, for its owner and domain admin only", async () => {
      const nicId = aliceVm.nic[0].id;
      const sec = (await alice.jobOk('addIpToNic', { nicid: nicId }))['nicsecondaryip'];
      const r = await alice.ok('listNics', { virtualmachineid: aliceVm.id });
      assert.equal(r['count'], 1);
      const n = r['nic'][0];
      assert.deepEqual([n.id, n.networkid, n.ipaddress, n.isdefault, n.virtualmachineid, n.deviceid], [nicId, aliceVm.nic[0].networkid, aliceVm.nic[0].ipaddress, true, aliceVm.id, '0']);
      assert.deepEqual(n.secondaryip, [{ id: sec.id, ipaddress: sec.ipaddress }]);
      assert.equal(n.broadcasturi, undefined, 'the VLAN is for root admins');
      assert.match((await s.admin.ok('listNics', { virtualmachineid: aliceVm.id }))['nic'][0].broadcasturi, /^vlan:\/\//);
      assert.equal((await alice.ok('listNics', { virtualmachineid: aliceVm.id, nicid: nicId }))['count'], 1);
      assert.equal((await alice.ok('listNics', { virtualmachineid: aliceVm.id, networkid: bobVm.nic[0].networkid }))['count'] ?? 0, 0);
      assert.equal((await domadmin.ok('listNics', { virtualmachineid: aliceVm.id }))['nic'][0].id, nicId);
      assert.equal((await bob.call('listNics', { virtualmachineid: aliceVm.id })).status, 531);
      assert.equal((await alice.call('listNics', {})).status, 431);
      const ra = await routerOf(aliceVm.nic[0].networkid);
      assert.equal((await s.admin.call('listNics', { virtualmachineid: ra.id })).status, 431, 'a router is not a user VM');
      assert.equal((await s.admin.ok('listNics', { virtualmachineid: aliceVm.id, fordisplay: false }))['count'] ?? 0, 0);
      // fordisplay is a root admin's parameter: ignored for users.
      assert.equal((await alice.ok('listNics', { virtualmachineid: aliceVm.id, fordisplay: false }))['count'], 1);
    });

    it('a shared network with the virtual router as DHCP provider gets a DHCP-only router', async () => {
      const off = (await s.admin.ok('listNetworkOfferings', { name: 'DefaultSharedNetworkOffering' }))['networkoffering'][0].id;
      const shared = (await s.admin.ok('createNetwork', { zoneid: g.zone, name: 'sh', displaytext: 'sh', networkofferingid: off, vlan: '850', gateway: '172.30.0.1', netmask: '255.255.255.0', startip: '172.30.0.10', endip: '172.30.0.20' }))['network'].id;
      const vm = (await alice.jobOk('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, name: 'sh1', networkids: shared }))['virtualmachine'];
      const r = await routerOf(shared);
      assert.equal(r.state, 'Running');
      // The network's gateway is its own: the router took the next free address of the range, and
      // the next guest's NIC skips it.
      assert.equal(vm.nic[0].ipaddress, '172.30.0.10');
      assert.equal(r.guestipaddress, '172.30.0.11');
      const vm2 = (await alice.jobOk('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, name: 'sh2', networkids: shared }))['virtualmachine'];
      assert.equal(vm2.nic[0].ipaddress, '172.30.0.12');
      assert.deepEqual(r.nic.map((x: any) => x.traffictype), ['Guest', 'Control']);
      const netId = (await s.app.db.kysely.selectFrom('networks').select('id').where('uuid', '=', shared).executeTakeFirstOrThrow()).id;
      const d = await until('the DHCP router to hold its document', async () => {
        const held = (await g.simulated(r.name))?.router;
        return held && held.version === documentVersion(await s.app.services.networks.routerDocument(netId)) ? held.document : undefined;
      });
      assert.equal(d.role, 'dhcp');
      assert.deepEqual(d.dhcp.map((x: any) => [x.ip, x.hostName]), [['172.30.0.10', 'sh1'], ['172.30.0.12', 'sh2']]);
      assert.equal(d.network.gateway, '172.30.0.1');
      assert.deepEqual([d.publicIps, d.sourceNat, d.portForwards, d.loadBalancers, d.firewall.ingress], [[], null, [], [], []]);
      assert.deepEqual(d.dns.forwarders, ['8.8.8.8']);
    });
  });
}
