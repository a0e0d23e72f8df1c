/**
 * The rule commands beyond create/list/delete, over real HTTP on every database: delete
 * commands refuse rules of another kind, egress conflicts and default policy, updates of port
 * forwards and LB rules, LB instances and stickiness, static NAT and IP forwarding, cleanup at
 * expunge. Each change is checked in the router document and in the notifier's count.
 * VMs are plain `vm_instances` rows with a NIC (network-fixtures.ts).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { expectError } from './infra-helpers.js';
import { rowVm, rulesZone } from './network-fixtures.js';
import { waitForJob } from '../../src/cli/api-client.js';

for (const dialect of dialectsUnderTest()) {
  describe(`networks: rule updates, LB stickiness, static NAT (${dialect})`, () => {
    let s: TestServer;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let bob: Awaited<ReturnType<TestServer['newAccount']>>;
    let zoneId = '';
    let off = '';
    let net = '';
    let nid = 0;
    let ip = '';
    let vm = '';
    let vm2 = '';
    let bobVm = '';
    let bobIp = '';

    const addVm = (accountUuid: string, networkUuid: string | null, name: string) => rowVm(s, zoneId, accountUuid, networkUuid, name);
    const doc = async (id = nid) => (await s.app.services.networks.routerDocument(id)) as any;
    const changes = (id = nid) => s.app.services.networkNotifier.changes.get(id) ?? 0;
    /** CloudStack checks some parameters inside the job: the error is either the answer's or the job's. */
    const fails = async (c: typeof alice, cmd: string, params: Record<string, string | number | boolean>, code: number, re?: RegExp) => {
      const r = await c.call(cmd, params);
      if (r.status !== 200) return expectError(r, code, re);
      const j = await waitForJob(String(r.inner['jobid']), c.opts, undefined, 50, 120_000);
      assert.equal(j['jobstatus'], 2, JSON.stringify(j));
      assert.equal(j['jobresult']['errorcode'], code, JSON.stringify(j['jobresult']));
      if (re) assert.match(j['jobresult']['errortext'], re);
    };
    const events = async (type: string) => ((await alice.ok('listEvents', { type }))['event'] ?? []) as any[];

    before(async () => {
      s = await startServer(dialect);
      zoneId = await rulesZone(s);
      alice = await s.newAccount({ name: `alice${dialect}` });
      bob = await s.newAccount({ name: `bob${dialect}` });
      off = (await alice.ok('listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' }))['networkoffering'][0].id;
      net = (await alice.ok('createNetwork', { name: 'n', networkofferingid: off, zoneid: zoneId }))['network'].id;
      nid = (await s.app.db.kysely.selectFrom('networks').select('id').where('uuid', '=', net).executeTakeFirstOrThrow()).id;
      ip = (await alice.jobOk('associateIpAddress', { networkid: net }))['ipaddress'].id;
      vm = await addVm(alice.accountId, net, 'web1');
      vm2 = await addVm(alice.accountId, net, 'web2');
      const bnet = (await bob.ok('createNetwork', { name: 'bn', networkofferingid: off, zoneid: zoneId }))['network'].id;
      bobVm = await addVm(bob.accountId, bnet, 'bobvm');
      bobIp = (await bob.jobOk('associateIpAddress', { networkid: bnet }))['ipaddress'].id;
    });
    after(async () => {
      await s.close();
    });

    it('delete commands act only on their own kind of rule (ingress, egress, port forward)', async () => {
      const fw = (await alice.jobOk('createFirewallRule', { ipaddressid: ip, protocol: 'tcp', startport: 22 }))['firewallrule'].id;
      const eg = (await alice.jobOk('createEgressFirewallRule', { networkid: net, protocol: 'tcp', startport: 53 }))['firewallrule'].id;
      const pf = (await alice.jobOk('createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: 8022, privateport: 22, virtualmachineid: vm, openfirewall: false }))['portforwardingrule'].id;
      expectError(await alice.call('deleteFirewallRule', { id: eg }), 431);
      expectError(await alice.call('deleteEgressFirewallRule', { id: fw }), 431);
      expectError(await alice.call('deleteFirewallRule', { id: pf }), 431);
      expectError(await alice.call('deleteEgressFirewallRule', { id: pf }), 431);
      expectError(await alice.call('deletePortForwardingRule', { id: fw }), 431);
      expectError(await alice.call('deleteLoadBalancerRule', { id: pf }), 431);
      expectError(await alice.call('deleteIpForwardingRule', { id: pf }), 431);
      assert.deepEqual((await alice.ok('listEgressFirewallRules'))['firewallrule'].map((x: any) => x.id), [eg]);
      assert.ok((await alice.ok('listFirewallRules'))['firewallrule'].some((x: any) => x.id === fw));
      assert.equal((await alice.ok('listPortForwardingRules', { id: pf }))['portforwardingrule'].length, 1);
      await alice.jobOk('deleteEgressFirewallRule', { id: eg });
      await alice.jobOk('deleteFirewallRule', { id: fw });
      await alice.jobOk('deletePortForwardingRule', { id: pf });
      const d = await doc();
      assert.equal(d.firewall.egress.rules.length, 0);
      assert.ok(!d.firewall.ingress.some((r: any) => r.id === fw));
      assert.equal(d.portForwards.length, 0);
    });

    it('egress rules conflict on protocol, ports and a shared CIDR; the offering\'s default policy is in the router document', async () => {
      const a = (await alice.jobOk('createEgressFirewallRule', { networkid: net, protocol: 'tcp', startport: 80, endport: 90, cidrlist: '10.1.1.0/24' }))['firewallrule'].id;
      expectError(await alice.call('createEgressFirewallRule', { networkid: net, protocol: 'tcp', startport: 85, cidrlist: '10.1.1.0/24' }), 537, /conflicts/);
      const other = await alice.jobOk('createEgressFirewallRule', { networkid: net, protocol: 'tcp', startport: 85, cidrlist: '10.1.1.128/25' });
      const udp = await alice.jobOk('createEgressFirewallRule', { networkid: net, protocol: 'udp', startport: 85, cidrlist: '10.1.1.0/24' });
      const all = await alice.jobOk('createEgressFirewallRule', { networkid: net, protocol: 'all' });
      expectError(await alice.call('createEgressFirewallRule', { networkid: net, protocol: 'all' }), 537, /no ports/);
      const icmp = await alice.jobOk('createEgressFirewallRule', { networkid: net, protocol: 'icmp', icmptype: 8, icmpcode: 0 });
      expectError(await alice.call('createEgressFirewallRule', { networkid: net, protocol: 'icmp', icmptype: 8, icmpcode: 0 }), 431);
      // An ingress rule on the same ports is another direction: no conflict with the egress ones.
      const ing = (await alice.jobOk('createFirewallRule', { ipaddressid: ip, protocol: 'tcp', startport: 80, endport: 90, cidrlist: '10.1.1.0/24' }))['firewallrule'].id;
      const d = await doc();
      assert.equal(d.firewall.egress.defaultAllow, true);
      assert.deepEqual(d.firewall.egress.rules.map((r: any) => r.id).sort(), [a, other['firewallrule'].id, udp['firewallrule'].id, all['firewallrule'].id, icmp['firewallrule'].id].sort());
      for (const id of [a, other['firewallrule'].id, udp['firewallrule'].id, all['firewallrule'].id, icmp['firewallrule'].id]) await alice.jobOk('deleteEgressFirewallRule', { id });
      await alice.jobOk('deleteFirewallRule', { id: ing });
      // An offering whose default egress policy denies: its networks' router documents say so.
      const o = (await s.admin.ok('createNetworkOffering', { name: `deny-out-${dialect}`, traffictype: 'Guest', guestiptype: 'Isolated', egressdefaultpolicy: false, supportedservices: 'Dhcp,Dns,SourceNat,Firewall,PortForwarding', enable: true }))['networkoffering'];
      assert.equal(o.egressdefaultpolicy, false);
      const unsaid = (await s.admin.ok('createNetworkOffering', { name: `unsaid-out-${dialect}`, traffictype: 'Guest', guestiptype: 'Isolated', supportedservices: 'Dhcp,Dns,SourceNat' }))['networkoffering'];
      assert.equal(unsaid.egressdefaultpolicy, true, 'without the parameter an offering allows (CloudStack\'s API default)');
      const n2 = (await alice.ok('createNetwork', { name: 'denying', networkofferingid: o.id, zoneid: zoneId }))['network'].id;
      const n2id = (await s.app.db.kysely.selectFrom('networks').select('id').where('uuid', '=', n2).executeTakeFirstOrThrow()).id;
      const before = changes(n2id);
      await alice.jobOk('createEgressFirewallRule', { networkid: n2, protocol: 'tcp', startport: 25 });
      assert.ok(changes(n2id) > before, 'the notifier heard the egress rule');
      const d2 = await doc(n2id);
      assert.equal(d2.firewall.egress.defaultAllow, false);
      assert.deepEqual(d2.firewall.egress.rules.map((r: any) => r.ports), [[25, 25]]);
    });

    it('updatePortForwardingRule changes private ports, VM and CIDRs; 431 on a range of another size, 531 across accounts', async () => {
      const pf = (await alice.jobOk('createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: 2222, privateport: 22, virtualmachineid: vm }))['portforwardingrule'];
      const before = changes();
      const u = (await alice.jobOk('updatePortForwardingRule', { id: pf.id, privateport: 2200 }))['portforwardingrule'];
      assert.equal(u.privateport, '2200');
      assert.equal(u.privateendport, '2200');
      assert.equal(u.publicport, '2222');
      assert.ok(changes() > before);
      let d = await doc();
      assert.deepEqual(d.portForwards.find((r: any) => r.id === pf.id).privatePorts, [2200, 2200]);
      const v2 = (await alice.jobOk('updatePortForwardingRule', { id: pf.id, virtualmachineid: vm2, cidrlist: '198.51.100.0/24' }))['portforwardingrule'];
      assert.equal(v2.virtualmachineid, vm2);
      assert.equal(v2.vmguestip, '10.1.1.3');
      assert.equal(v2.cidrlist, '198.51.100.0/24');
      d = await doc();
      const r = d.portForwards.find((x: any) => x.id === pf.id);
      assert.equal(r.privateIp, '10.1.1.3');
      assert.deepEqual(r.cidrs, ['198.51.100.0/24']);
      // The firewall rule the forward opened follows the new CIDRs.
      assert.ok(d.firewall.ingress.some((x: any) => x.ports?.[0] === 2222 && x.cidrs[0] === '198.51.100.0/24'));
      await fails(alice, 'updatePortForwardingRule', { id: pf.id, privateport: 100, privateendport: 105 }, 431);
      await fails(alice, 'updatePortForwardingRule', { id: pf.id, virtualmachineid: vm, vmguestip: '10.1.1.77' }, 431);
      await fails(alice, 'updatePortForwardingRule', { id: pf.id, virtualmachineid: bobVm }, 531);
      expectError(await bob.call('updatePortForwardingRule', { id: pf.id, privateport: 23 }), 531);
      assert.ok((await events('NET.RULEMODIFY')).some((e) => e.state === 'Completed'));
      await alice.jobOk('deletePortForwardingRule', { id: pf.id });
    });

    it('updateLoadBalancerRule, listLoadBalancerRuleInstances (applied or not) and an LB rule with no members', async () => {
      const lb = (await alice.jobOk('createLoadBalancerRule', { publicipid: ip, name: 'web', algorithm: 'roundrobin', publicport: 80, privateport: 8080 }))['loadbalancer'];
      // No members yet: valid, listed, rendered with an empty pool.
      assert.equal((await alice.ok('listLoadBalancerRuleInstances', { id: lb.id }))['count'] ?? 0, 0);
      assert.deepEqual((await doc()).loadBalancers.find((x: any) => x.id === lb.id).members, []);
      await alice.jobOk('assignToLoadBalancerRule', { id: lb.id, virtualmachineids: vm });
      const applied = await alice.ok('listLoadBalancerRuleInstances', { id: lb.id });
      assert.equal(applied['count'], 1);
      assert.equal(applied['loadbalancerruleinstance'][0].id, vm);
      assert.equal(applied['loadbalancerruleinstance'][0].nic[0].ipaddress, '10.1.1.2');
      const candidates = (await alice.ok('listLoadBalancerRuleInstances', { id: lb.id, applied: false }))['loadbalancerruleinstance'];
      assert.deepEqual(candidates.map((v: any) => v.id), [vm2]);
      expectError(await bob.call('listLoadBalancerRuleInstances', { id: lb.id }), 531);
      const before = changes();
      const u = (await alice.jobOk('updateLoadBalancerRule', { id: lb.id, name: 'web2', description: 'front', algorithm: 'leastconn' }))['loadbalancer'];
      assert.equal(u.name, 'web2');
      assert.equal(u.algorithm, 'leastconn');
      assert.equal(u.description, 'front');
      assert.ok(changes() > before);
      const l = (await doc()).loadBalancers.find((x: any) => x.id === lb.id);
      assert.equal(l.algorithm, 'leastconn');
      assert.equal(l.name, 'web2');
      await fails(alice, 'updateLoadBalancerRule', { id: lb.id, algorithm: 'fastest' }, 431);
      expectError(await bob.call('updateLoadBalancerRule', { id: lb.id, name: 'x' }), 531);
      assert.ok((await events('LB.UPDATE')).some((e) => e.state === 'Completed'));
      await alice.jobOk('deleteLoadBalancerRule', { id: lb.id });
    });

    it('LB stickiness policies: one per rule, CloudStack methods and params, in the router document', async () => {
      const lb = (await alice.jobOk('createLoadBalancerRule', { publicipid: ip, name: 'sticky', algorithm: 'source', publicport: 443, privateport: 443 }))['loadbalancer'];
      const r = (await alice.jobOk('createLBStickinessPolicy', { lbruleid: lb.id, name: 'cookie', methodname: 'LbCookie', 'param[0].name': 'cookie-name', 'param[0].value': 'SRV', 'param[1].name': 'mode', 'param[1].value': 'insert' }))['stickinesspolicies'];
      assert.equal(r.lbruleid, lb.id);
      assert.equal(r.stickinesspolicy[0].name, 'cookie');
      expectError(await alice.call('createLBStickinessPolicy', { lbruleid: lb.id, name: 'again', methodname: 'SourceBased' }), 431, /Already policy attached/);
      expectError(await alice.call('createLBStickinessPolicy', { lbruleid: lb.id, name: 'x', methodname: 'Magic' }), 431);
      const list = (await alice.ok('listLBStickinessPolicies', { lbruleid: lb.id }))['stickinesspolicies'];
      assert.equal(list.length, 1);
      assert.equal(list[0].lbruleid, lb.id);
      assert.equal(list[0].account, alice.accountName);
      const pol = list[0].stickinesspolicy;
      assert.equal(pol.length, 1);
      assert.equal(pol[0].methodname, 'LbCookie');
      assert.deepEqual(pol[0].params, { 'cookie-name': 'SRV', mode: 'insert' });
      assert.equal((await alice.ok('listLBStickinessPolicies', { id: pol[0].id }))['stickinesspolicies'][0].stickinesspolicy[0].id, pol[0].id);
      expectError(await bob.call('listLBStickinessPolicies', { lbruleid: lb.id }), 531);
      expectError(await bob.call('deleteLBStickinessPolicy', { id: pol[0].id }), 531);
      let l = (await doc()).loadBalancers.find((x: any) => x.id === lb.id);
      assert.deepEqual(l.stickiness, [{ name: 'cookie', method: 'LbCookie', params: { 'cookie-name': 'SRV', mode: 'insert' } }]);
      await alice.jobOk('deleteLBStickinessPolicy', { id: pol[0].id });
      l = (await doc()).loadBalancers.find((x: any) => x.id === lb.id);
      assert.deepEqual(l.stickiness, []);
      // A policy with a parameter its method does not have is refused before the job.
      expectError(await alice.call('createLBStickinessPolicy', { lbruleid: lb.id, name: 'src', methodname: 'SourceBased', 'param[0].name': 'cookie-name', 'param[0].value': 'x' }), 431);
      await alice.jobOk('createLBStickinessPolicy', { lbruleid: lb.id, name: 'src', methodname: 'SourceBased', 'param[0].name': 'expire', 'param[0].value': '30m' });
      assert.ok((await events('LB.STICKINESSPOLICY.CREATE')).length >= 2);
      assert.ok((await events('LB.STICKINESSPOLICY.DELETE')).length >= 1);
      // Deleting the rule takes its policy along.
      await alice.jobOk('deleteLoadBalancerRule', { id: lb.id });
      expectError(await alice.call('listLBStickinessPolicies', { lbruleid: lb.id }), 431);
    });

    it('static NAT: enable/disable, IP fields, conflicts with forwards and the source NAT IP, IP forwarding rules, router document', async () => {
      const srcNat = (await alice.ok('listPublicIpAddresses', { issourcenat: true, associatednetworkid: net }))['publicipaddress'][0];
      assert.equal(srcNat.id, ip);
      expectError(await alice.call('enableStaticNat', { ipaddressid: ip, virtualmachineid: vm }), 431, /sourceNat/);
      const ip2 = (await alice.jobOk('associateIpAddress', { networkid: net }))['ipaddress'];
      expectError(await alice.call('enableStaticNat', { ipaddressid: ip2.id, virtualmachineid: bobVm }), 531);
      expectError(await bob.call('enableStaticNat', { ipaddressid: ip2.id, virtualmachineid: bobVm }), 531);
      // An IP with a port forward cannot be static NAT'd.
      const pf = (await alice.jobOk('createPortForwardingRule', { ipaddressid: ip2.id, protocol: 'tcp', publicport: 22, privateport: 22, virtualmachineid: vm }))['portforwardingrule'].id;
      expectError(await alice.call('enableStaticNat', { ipaddressid: ip2.id, virtualmachineid: vm }), 537);
      await alice.jobOk('deletePortForwardingRule', { id: pf });
      const before = changes();
      assert.equal(String((await alice.ok('enableStaticNat', { ipaddressid: ip2.id, virtualmachineid: vm }))['success']), 'true');
      assert.ok(changes() > before);
      const listed = (await alice.ok('listPublicIpAddresses', { id: ip2.id }))['publicipaddress'][0];
      assert.equal(listed.isstaticnat, true);
      assert.equal(listed.virtualmachineid, vm);
      assert.equal(listed.virtualmachinename, 'web1');
      assert.equal(listed.vmipaddress, '10.1.1.2');
      assert.deepEqual((await alice.ok('listPublicIpAddresses', { isstaticnat: true }))['publicipaddress'].map((x: any) => x.id), [ip2.id]);
      let d = await doc();
      assert.deepEqual(d.staticNat, [{ publicIp: ip2.ipaddress, privateIp: '10.1.1.2' }]);
      assert.equal(d.metadata.find((m: any) => m.ip === '10.1.1.2').publicIp, ip2.ipaddress);
      // Forwards on a static NAT IP are refused; firewall rules open it.
      expectError(await alice.call('createPortForwardingRule', { ipaddressid: ip2.id, protocol: 'tcp', publicport: 80, privateport: 80, virtualmachineid: vm }), 537);
      expectError(await alice.call('createLoadBalancerRule', { publicipid: ip2.id, name: 'nat', algorithm: 'source', publicport: 80, privateport: 80 }), 537);
      const fw = (await alice.jobOk('createFirewallRule', { ipaddressid: ip2.id, protocol: 'tcp', startport: 443 }))['firewallrule'].id;
      assert.ok((await doc()).firewall.ingress.some((r: any) => r.id === fw && r.publicIp === ip2.ipaddress));
      // The same VM IP on a second public IP, or the IP on a second VM: refused.
      const ip3 = (await alice.jobOk('associateIpAddress', { networkid: net }))['ipaddress'];
      expectError(await alice.call('enableStaticNat', { ipaddressid: ip3.id, virtualmachineid: vm }), 431);
      expectError(await alice.call('enableStaticNat', { ipaddressid: ip2.id, virtualmachineid: vm2 }), 537);
      // IP forwarding rules on the static NAT IP.
      const fr = await alice.jobOk('createIpForwardingRule', { ipaddressid: ip2.id, protocol: 'tcp', startport: 8000, endport: 8010 });
      assert.equal(fr['ipforwardingrule'].virtualmachineid, vm);
      assert.equal(fr['ipforwardingrule'].startport, 8000);
      expectError(await alice.call('createIpForwardingRule', { ipaddressid: ip3.id, protocol: 'tcp', startport: 8000 }), 537);
      expectError(await bob.call('createIpForwardingRule', { ipaddressid: ip2.id, protocol: 'tcp', startport: 9000 }), 531);
      assert.deepEqual((await alice.ok('listIpForwardingRules', { ipaddressid: ip2.id }))['ipforwardingrule'].map((x: any) => x.id), [fr['ipforwardingrule'].id]);
      assert.ok((await doc()).firewall.ingress.some((r: any) => r.publicIp === ip2.ipaddress && r.ports[0] === 8000));
      expectError(await bob.call('disableStaticNat', { ipaddressid: ip2.id }), 531);
      await alice.jobOk('disableStaticNat', { ipaddressid: ip2.id });
      const after = (await alice.ok('listPublicIpAddresses', { id: ip2.id }))['publicipaddress'][0];
      assert.equal(after.isstaticnat, false);
      assert.equal(after.virtualmachineid, undefined);
      assert.equal((await alice.ok('listIpForwardingRules'))['count'] ?? 0, 0);
      d = await doc();
      assert.deepEqual(d.staticNat, []);
      assert.ok(!d.firewall.ingress.some((r: any) => r.ports?.[0] === 8000), 'the forwarding rule\'s firewall opening went with it');
      assert.ok(d.firewall.ingress.some((r: any) => r.id === fw), 'plain firewall rules stay');
      expectError(await alice.call('disableStaticNat', { ipaddressid: ip2.id }), 431);
      assert.ok((await events('STATICNAT.ENABLE')).length >= 1);
      assert.ok((await events('STATICNAT.DISABLE')).some((e) => e.state === 'Completed'));
      // Releasing a static NAT IP ends its NAT.
      await alice.ok('enableStaticNat', { ipaddressid: ip3.id, virtualmachineid: vm2 });
      await alice.jobOk('disassociateIpAddress', { id: ip3.id });
      assert.ok(!(await doc()).staticNat.some((x: any) => x.publicIp === ip3.ipaddress));
      expectError(await alice.call('enableStaticNat', { ipaddressid: bobIp, virtualmachineid: vm2 }), 531);
    });

    it('expunging a VM ends its static NAT and revokes its forwards', async () => {
      const v = await addVm(alice.accountId, net, 'gone');
      const ipx = (await alice.jobOk('associateIpAddress', { networkid: net }))['ipaddress'];
      await alice.ok('enableStaticNat', { ipaddressid: ipx.id, virtualmachineid: v });
      const pf = (await alice.jobOk('createPortForwardingRule', { ipaddressid: ip, protocol: 'udp', publicport: 5000, privateport: 5000, virtualmachineid: v }))['portforwardingrule'].id;
      const k = s.app.db.kysely;
      const vid = (await k.selectFrom('vm_instances').select('id').where('uuid', '=', v).executeTakeFirstOrThrow()).id;
      await k.transaction().execute((trx) => s.app.services.nics.releaseNics(trx, vid));
      assert.equal((await alice.ok('listPublicIpAddresses', { id: ipx.id }))['publicipaddress'][0].isstaticnat, false);
      assert.ok(!((await alice.ok('listPortForwardingRules'))['portforwardingrule'] ?? []).some((r: any) => r.id === pf));
      const d = await doc();
      assert.ok(!d.portForwards.some((r: any) => r.id === pf));
      assert.ok(!d.firewall.ingress.some((r: any) => r.ports?.[0] === 5000));
    });

    it('secondary IPs: addIpToNic/removeIpFromNic, targets of port forwards and static NAT, skipped by new NICs', async () => {
      const k = s.app.db.kysely;
      const nicOf = async (vmUuid: string) => (await k.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').select('c.uuid').where('v.uuid', '=', vmUuid).where('c.removed', 'is', null).executeTakeFirstOrThrow()).uuid;
      const nic = await nicOf(vm);
      const a = (await alice.jobOk('addIpToNic', { nicid: nic }))['nicsecondaryip'];
      assert.equal(a.nicid, nic);
      assert.equal(a.networkid, net);
      assert.equal(a.virtualmachineid, vm);
      assert.match(a.ipaddress, /^10\.1\.1\.\d+$/);
      const nicIps = (await k.selectFrom('nics').select('ip_address').where('network_id', '=', nid).where('removed', 'is', null).execute()).map((x) => x.ip_address);
      assert.ok(!nicIps.includes(a.ipaddress), 'a secondary IP is not a NIC address');
      const b = (await alice.jobOk('addIpToNic', { nicid: nic, ipaddress: '10.1.1.50' }))['nicsecondaryip'];
      assert.equal(b.ipaddress, '10.1.1.50');
      expectError(await alice.call('addIpToNic', { nicid: nic, ipaddress: '10.1.1.50' }), 533);
      expectError(await alice.call('addIpToNic', { nicid: nic, ipaddress: '10.1.1.2' }), 533);
      expectError(await alice.call('addIpToNic', { nicid: nic, ipaddress: '192.168.9.9' }), 431);
      expectError(await bob.call('addIpToNic', { nicid: nic }), 531);
      // A forward and a static NAT may target the secondary IPs.
      const pf = (await alice.jobOk('createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: 6000, privateport: 22, virtualmachineid: vm, vmguestip: '10.1.1.50' }))['portforwardingrule'];
      assert.equal(pf.vmguestip, '10.1.1.50');
      assert.equal((await doc()).portForwards.find((r: any) => r.id === pf.id).privateIp, '10.1.1.50');
      expectError(await alice.call('removeIpFromNic', { id: b.id }), 431);
      const ipn = (await alice.jobOk('associateIpAddress', { networkid: net }))['ipaddress'];
      await alice.ok('enableStaticNat', { ipaddressid: ipn.id, virtualmachineid: vm, vmguestip: a.ipaddress });
      assert.equal((await alice.ok('listPublicIpAddresses', { id: ipn.id }))['publicipaddress'][0].vmipaddress, a.ipaddress);
      assert.deepEqual((await doc()).staticNat.find((x: any) => x.publicIp === ipn.ipaddress), { publicIp: ipn.ipaddress, privateIp: a.ipaddress });
      expectError(await alice.call('removeIpFromNic', { id: a.id }), 431);
      expectError(await bob.call('removeIpFromNic', { id: a.id }), 531);
      await alice.jobOk('disableStaticNat', { ipaddressid: ipn.id });
      await alice.jobOk('deletePortForwardingRule', { id: pf.id });
      // A new NIC does not take an address held as a secondary IP.
      const later = await addVm(alice.accountId, net, 'later');
      const laterIp = (await k.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id').select('c.ip_address').where('v.uuid', '=', later).executeTakeFirstOrThrow()).ip_address;
      assert.notEqual(laterIp, a.ipaddress);
      const before = changes();
      await alice.jobOk('removeIpFromNic', { id: a.id });
      await alice.jobOk('removeIpFromNic', { id: b.id });
      assert.ok(changes() > before);
      assert.equal((await k.selectFrom('nic_secondary_ips').select('id').where('nic_id', '=', (await k.selectFrom('nics').select('id').where('uuid', '=', nic).executeTakeFirstOrThrow()).id).execute()).length, 0);
      assert.ok((await events('NIC.SECONDARY.IP.ASSIGN')).length >= 2);
      assert.ok((await events('NIC.SECONDARY.IP.UNASSIGN')).some((e) => e.state === 'Completed'));
    });
  });
}
