/**
 * Guest NICs of deployed VMs over real HTTP and a real simulator agent: the default isolated
 * network created and implemented on the first deploy, networkids/ipaddress/iptonetworklist,
 * the `nic` array, listVirtualMachines networkid=, NICs handed to the agent, the guest IP kept
 * through destroy and reclaimed at expunge, and no address left taken by a failed deploy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { guestZone, type GuestZone } from '../helpers/guest-zone.js';
import { expectError } from './infra-helpers.js';

for (const dialect of dialectsUnderTest()) {
  describe(`VM NICs (${dialect})`, () => {
    let s: TestServer;
    let g: GuestZone;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let bob: Awaited<ReturnType<TestServer['newAccount']>>;

    before(async () => {
      s = await startServer(dialect);
      g = await guestZone(s);
      alice = await s.newAccount({ name: `nicalice${dialect}` });
      bob = await s.newAccount({ name: `nicbob${dialect}` });
    });
    after(async () => {
      g.close();
      await s.close();
    });

    const deploy = (who: typeof alice, extra: Record<string, string> = {}) =>
      who.job('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, ...extra });

    it('first deploy creates and implements the account\'s isolated network; the VM gets a NIC on it', async () => {
      assert.equal((await alice.ok('listNetworks', {}))['count'] ?? 0, 0);
      const j = await deploy(alice, { name: 'web1' });
      assert.equal(j['jobstatus'], 1, JSON.stringify(j));
      const vm = j['jobresult']['virtualmachine'];
      assert.equal(vm.state, 'Running');
      const nets = (await alice.ok('listNetworks', {}))['network'];
      assert.equal(nets.length, 1);
      assert.equal(nets[0].state, 'Implemented');
      assert.equal(nets[0].type, 'Isolated');
      assert.equal(vm.nic.length, 1);
      const nic = vm.nic[0];
      assert.equal(nic.networkid, nets[0].id);
      assert.equal(nic.networkname, nets[0].name);
      assert.equal(nic.ipaddress, '10.1.1.2');
      assert.equal(nic.gateway, '10.1.1.1');
      assert.equal(nic.netmask, '255.255.255.0');
      assert.equal(nic.isdefault, true);
      assert.equal(nic.traffictype, 'Guest');
      assert.equal(nic.type, 'Isolated');
      assert.match(nic.macaddress, /^02:00(:[0-9a-f]{2}){4}$/);
      assert.equal(nic.broadcasturi, undefined, 'the VLAN is not shown to users');
      const asAdmin = (await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0].nic[0];
      const adminNet = (await s.admin.ok('listNetworks', { id: nets[0].id, listall: true }))['network'][0];
      assert.match(asAdmin.broadcasturi, /^vlan:\/\/7\d\d$/);
      assert.equal(asAdmin.broadcasturi, adminNet.broadcasturi);
      // The source NAT address came with the implementation.
      const ips = (await alice.ok('listPublicIpAddresses', {}))['publicipaddress'];
      assert.equal(ips.length, 1);
      assert.equal(ips[0].issourcenat, true);
      // The agent was handed the NIC.
      const sim = await g.simulated(`i-${(await s.app.db.kysely.selectFrom('vm_instances').select('account_id').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).account_id}-${(await s.app.db.kysely.selectFrom('vm_instances').select('id').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).id}-VM`);
      assert.equal(sim.spec.nics.length, 1);
      assert.deepEqual([sim.spec.nics[0].mac, sim.spec.nics[0].ip, sim.spec.nics[0].broadcastUri, sim.spec.nics[0].isDefault], [nic.macaddress, '10.1.1.2', asAdmin.broadcasturi, true]);
      // A second deploy joins the same network with the next address and a different MAC.
      const vm2 = (await deploy(alice, { name: 'web2' }))['jobresult']['virtualmachine'];
      assert.equal(vm2.nic[0].networkid, nets[0].id);
      assert.equal(vm2.nic[0].ipaddress, '10.1.1.3');
      assert.notEqual(vm2.nic[0].macaddress, nic.macaddress);
      assert.equal((await alice.ok('listNetworks', {}))['network'].length, 1);
    });

    it('ipaddress, networkids and iptonetworklist; a taken or foreign address is refused', async () => {
      const net = (await alice.ok('listNetworks', {}))['network'][0].id;
      const a = (await deploy(alice, { name: 'fixed', networkids: net, ipaddress: '10.1.1.50' }))['jobresult']['virtualmachine'];
      assert.equal(a.nic[0].ipaddress, '10.1.1.50');
      const taken = await alice.call('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, networkids: net, ipaddress: '10.1.1.50' });
      expectError(taken, 533);
      expectError(await alice.call('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, ipaddress: '10.9.9.9' }), 431, /range/);
      const b = (await deploy(alice, { name: 'listed', 'iptonetworklist[0].networkid': net, 'iptonetworklist[0].ip': '10.1.1.60' }))['jobresult']['virtualmachine'];
      assert.equal(b.nic[0].ipaddress, '10.1.1.60');
      // Bob may not join Alice's network.
      expectError(await bob.call('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, networkids: net }), 531);
    });

    it('accounts get separate networks on separate VLANs; listVirtualMachines networkid= filters and stays scoped', async () => {
      const vb = (await deploy(bob, { name: 'bobvm' }))['jobresult']['virtualmachine'];
      const an = (await alice.ok('listNetworks', {}))['network'][0];
      const bn = (await bob.ok('listNetworks', {}))['network'][0];
      assert.notEqual(an.id, bn.id);
      const vlans = await s.app.db.kysely.selectFrom('networks').select('vlan').where('uuid', 'in', [an.id, bn.id]).execute();
      assert.ok(vlans[0]!.vlan && vlans[1]!.vlan && vlans[0]!.vlan !== vlans[1]!.vlan);
      assert.equal(vb.nic[0].networkid, bn.id);
      const mine = (await alice.ok('listVirtualMachines', { networkid: an.id }))['virtualmachine'];
      assert.deepEqual(mine.map((v: any) => v.name).sort(), ['fixed', 'listed', 'web1', 'web2']);
      assert.ok(mine.every((v: any) => v.nic[0].networkid === an.id));
      assert.equal((await alice.ok('listVirtualMachines', { networkid: bn.id }))['count'] ?? 0, 0);
      assert.equal((await s.admin.ok('listVirtualMachines', { networkid: bn.id, listall: true }))['virtualmachine'][0].id, vb.id);
    });

    it('a destroyed VM keeps its address (recoverable); expunge reclaims it', async () => {
      const net = (await alice.ok('listNetworks', {}))['network'][0].id;
      const v = (await deploy(alice, { name: 'tmp', networkids: net, ipaddress: '10.1.1.70' }))['jobresult']['virtualmachine'];
      await alice.jobOk('destroyVirtualMachine', { id: v.id });
      expectError(await alice.call('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, networkids: net, ipaddress: '10.1.1.70' }), 533);
      const rec = (await s.admin.ok('recoverVirtualMachine', { id: v.id }))['virtualmachine'];
      assert.equal(rec.nic[0].ipaddress, '10.1.1.70');
      await s.admin.jobOk('destroyVirtualMachine', { id: v.id, expunge: true });
      const again = (await deploy(alice, { name: 'tmp2', networkids: net, ipaddress: '10.1.1.70' }))['jobresult']['virtualmachine'];
      assert.equal(again.nic[0].ipaddress, '10.1.1.70');
    });

    it('a deploy refused by limits takes no address', async () => {
      const carol = await s.newAccount({ name: `niccarol${dialect}` });
      const root = (await s.admin.ok('listDomains', { name: 'ROOT' }))['domain'][0].id;
      await s.admin.ok('updateResourceLimit', { account: carol.accountName, domainid: root, resourcetype: 0, max: 1 });
      const first = (await deploy(carol, { name: 'c1' }))['jobresult']['virtualmachine'];
      const net = first.nic[0].networkid;
      const r = await carol.call('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, networkids: net });
      assert.notEqual(r.status, 200);
      const live = await s.app.db.kysely.selectFrom('nics as c').innerJoin('networks as n', 'n.id', 'c.network_id').select('c.ip_address')
        .where('n.uuid', '=', net).where('c.removed', 'is', null).execute();
      assert.deepEqual(live.map((x) => x.ip_address), ['10.1.1.2']);
    });
  });
}
