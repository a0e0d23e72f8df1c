/**
 * The virtual router over real HTTP and a real simulator agent: created on demand by the first
 * guest start of an isolated network (planner, system offering, HA, three NICs), hidden from
 * listVirtualMachines, listRouters for admins only; its declarative document is pushed after
 * every change and kept by the simulator (DHCP leases, port forwards, firewall, an LB rule with
 * two members and leastconn exactly once); stop/start/reboot/destroy with ROUTER.* events; a
 * destroyed router comes back when the network is used; restartNetwork cleanup=true recreates it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';
import { documentVersion } from '../../src/drivers/router-version.js';

for (const dialect of dialectsUnderTest()) {
  describe(`virtual routers (${dialect})`, () => {
    let s: TestServer;
    let g: GuestZone;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let net = '';
    let netId = 0;
    const vms: any[] = [];

    before(async () => {
      s = await startServer(dialect);
      g = await guestZone(s);
      alice = await s.newAccount({ name: `ralice${dialect}` });
    });
    after(async () => {
      g.close();
      await s.close();
    });

    const deploy = async (name: string) => (await alice.jobOk('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, name }))['virtualmachine'];
    const router = async () => (await s.admin.ok('listRouters', { networkid: net, listall: true }))['router']?.[0];
    /** The document the router's host applied, once it is the one the database renders now. */
    const applied = async () => until('the router to apply the current document', async () => {
      const r = await router();
      if (!r || r.state !== 'Running') return undefined;
      const sim = await g.simulated(r.name);
      const want = documentVersion(await s.app.services.networks.routerDocument(netId));
      return sim?.router?.version === want ? sim.router.document : undefined;
    });
    const events = async (type: string) => ((await s.admin.ok('listEvents', { type, listall: true, page: 1, pagesize: 500 }))['event'] ?? []) as any[];

    it('the first guest start creates the router: planner-placed, HA, three NICs; hidden from users', async () => {
      vms.push(await deploy('web1'));
      net = vms[0].nic[0].networkid;
      netId = (await s.app.db.kysely.selectFrom('networks').select('id').where('uuid', '=', net).executeTakeFirstOrThrow()).id;
      const r = await router();
      assert.equal(r.state, 'Running');
      assert.equal(r.role, 'VIRTUAL_ROUTER');
      assert.equal((await s.app.db.kysely.selectFrom('vm_instances').select('ha_enabled').where('uuid', '=', r.id).executeTakeFirstOrThrow()).ha_enabled, 1, 'routers are always HA-enabled');
      assert.ok(g.hosts.includes(r.hostid));
      assert.equal(r.guestipaddress, '10.1.1.1');
      assert.equal(r.guestnetworkid, net);
      const snat = (await alice.ok('listPublicIpAddresses', { issourcenat: true }))['publicipaddress'][0];
      assert.equal(r.publicip, snat.ipaddress);
      assert.match(r.linklocalip, /^169\.254\./);
      assert.deepEqual(r.nic.map((n: any) => n.traffictype), ['Guest', 'Control', 'Public']);
      assert.equal(r.account, alice.accountName);
      const so = await s.app.services.serviceOfferings.systemOffering('domainrouter');
      assert.equal(r.serviceofferingid, so.uuid);
      // The agent plugged the three NICs.
      const sim = await g.simulated(r.name);
      assert.deepEqual(sim.spec.nics.map((n: any) => [n.trafficType, n.ip]), [['Guest', '10.1.1.1'], ['Control', r.linklocalip], ['Public', snat.ipaddress]]);
      // Users neither list routers nor see them as VMs.
      assert.notEqual((await alice.call('listRouters', {})).status, 200);
      assert.deepEqual((await alice.ok('listVirtualMachines', {}))['virtualmachine'].map((v: any) => v.name), ['web1']);
      assert.ok(!((await s.admin.ok('listVirtualMachines', { listall: true }))['virtualmachine'] ?? []).some((v: any) => v.id === r.id));
      assert.equal((await events('ROUTER.CREATE')).filter((e) => e.account === alice.accountName).length, 1);
      // A second guest reuses it.
      vms.push(await deploy('web2'));
      assert.equal((await s.admin.ok('listRouters', { listall: true, account: alice.accountName, domainid: (await router()).domainid }))['count'], 1);
    });

    it('the document follows every change: DHCP leases, firewall, port forwards, one leastconn LB with both members', async () => {
      let d = await applied();
      assert.deepEqual(d.dhcp.map((x: any) => [x.ip, x.hostName]), [['10.1.1.2', 'web1'], ['10.1.1.3', 'web2']]);
      assert.equal(d.network.gateway, '10.1.1.1');
      const ip = (await alice.jobOk('associateIpAddress', { networkid: net }))['ipaddress'].id;
      await alice.jobOk('createFirewallRule', { ipaddressid: ip, protocol: 'tcp', startport: 22, endport: 22, cidrlist: '192.0.2.0/24' });
      await alice.jobOk('createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: 2222, privateport: 22, virtualmachineid: vms[0].id });
      const lb = (await alice.jobOk('createLoadBalancerRule', { publicipid: ip, name: 'web', algorithm: 'leastconn', publicport: 80, privateport: 8080 }))['loadbalancer'].id;
      await alice.jobOk('assignToLoadBalancerRule', { id: lb, virtualmachineids: `${vms[0].id},${vms[1].id}` });
      d = await applied();
      assert.equal(d.loadBalancers.length, 1);
      assert.equal(d.loadBalancers[0].algorithm, 'leastconn');
      assert.deepEqual(d.loadBalancers[0].members, ['10.1.1.2', '10.1.1.3']);
      assert.equal(d.portForwards.length, 1);
      assert.deepEqual([d.portForwards[0].publicPorts, d.portForwards[0].privateIp, d.portForwards[0].privatePorts], [[2222, 2222], '10.1.1.2', [22, 22]]);
      // The explicit rule, and the openings the PF and LB rules made (openfirewall defaults to true).
      assert.deepEqual(d.firewall.ingress.map((f: any) => [f.ports, f.cidrs]), [[[22, 22], ['192.0.2.0/24']], [[80, 80], ['0.0.0.0/0']], [[2222, 2222], ['0.0.0.0/0']]]);
      await alice.jobOk('removeFromLoadBalancerRule', { id: lb, virtualmachineids: vms[1].id });
      d = await applied();
      assert.deepEqual(d.loadBalancers[0].members, ['10.1.1.2']);
      // The host acknowledged exactly what the database renders, and the server recorded it.
      const row = await s.app.db.kysely.selectFrom('domain_routers').select('applied_version').where('network_id', '=', netId).where('removed', 'is', null).executeTakeFirstOrThrow();
      assert.equal(row.applied_version, documentVersion(await s.app.services.networks.routerDocument(netId)));
    });

    it('stop (forced), start, reboot: host capacity follows, the document is applied again, ROUTER.* events', async () => {
      const r = await router();
      const hostCpu = async (uuid: string) => Number((await s.app.db.kysely.selectFrom('hosts').select('cpu_allocated').where('uuid', '=', uuid).executeTakeFirstOrThrow()).cpu_allocated);
      const before = await hostCpu(r.hostid);
      const stopped = (await s.admin.jobOk('stopRouter', { id: r.id, forced: true }))['router'];
      assert.equal(stopped.state, 'Stopped');
      assert.equal(stopped.hostid, undefined);
      assert.ok(await hostCpu(r.hostid) < before);
      const started = (await s.admin.jobOk('startRouter', { id: r.id }))['router'];
      assert.equal(started.state, 'Running');
      const d = await applied();
      assert.equal(d.loadBalancers.length, 1);
      assert.equal((await s.admin.jobOk('rebootRouter', { id: r.id }))['router'].state, 'Running');
      for (const t of ['ROUTER.STOP', 'ROUTER.START', 'ROUTER.REBOOT']) assert.ok((await events(t)).some((e) => e.account === alice.accountName), t);
    });

    it('a destroyed router is recreated when the network is used; restartNetwork cleanup=true recreates it', async () => {
      const r = await router();
      await s.admin.jobOk('destroyRouter', { id: r.id });
      assert.equal(await router(), undefined);
      assert.ok((await events('ROUTER.DESTROY')).some((e) => e.account === alice.accountName));
      vms.push(await deploy('web3'));
      const r2 = await router();
      assert.notEqual(r2.id, r.id);
      assert.equal(r2.state, 'Running');
      let d = await applied();
      assert.deepEqual(d.dhcp.map((x: any) => x.hostName), ['web1', 'web2', 'web3']);
      await alice.jobOk('restartNetwork', { id: net, cleanup: true });
      const r3 = await router();
      assert.ok(r3 && r3.id !== r2.id && r3.state === 'Running');
      d = await applied();
      assert.equal(d.loadBalancers.length, 1);
    });
  });
}
