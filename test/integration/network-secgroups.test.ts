/**
 * Security groups in a Basic zone over real HTTP, on every database, with a real `nimbo agent`
 * child process (simulator): the default group, create/delete (default and in-use refused),
 * authorize/revoke ingress and egress and the rule set each VM's host holds after every change,
 * cross-account usersecuritygrouplist (peers' addresses follow membership), basic-zone deploys
 * taking addresses from the pod's untagged range, and scoping between accounts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { VmFixtures } from '../helpers/vm-fixtures.js';
import { expectError } from './infra-helpers.js';
import type { SecurityGroupRuleSet } from '../../src/protocol/messages.js';
import { csOk, csSkip } from '../helpers/cs-cli.js';
import { until as waitUntil } from '../helpers/until.js';

const BIN = fileURLToPath(new URL('../../../bin/nimbo.js', import.meta.url));
const TOKEN = 'sg-test-token';

const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => waitUntil(what, f, ms, 100);

for (const dialect of dialectsUnderTest()) {
  describe(`security groups in a Basic zone (${dialect})`, () => {
    let s: TestServer;
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let bob: Awaited<ReturnType<TestServer['newAccount']>>;
    const children: ChildProcess[] = [];
    const dirs: string[] = [];
    const ids: Record<string, string> = {};

    /** What the VM's host has in force for it, asked over the agent protocol. */
    const hostRules = async (vmUuid: string): Promise<SecurityGroupRuleSet | undefined> => {
      const vm = await s.app.db.kysely.selectFrom('vm_instances').select(['host_id', 'instance_name']).where('uuid', '=', vmUuid).executeTakeFirstOrThrow();
      assert.ok(vm.host_id, 'the VM is on a host');
      const a = await s.app.services.agents.send(vm.host_id, { type: 'GetSecurityGroupRules', instanceName: vm.instance_name });
      assert.equal(a.result, true);
      return (a as unknown as { ruleSets: SecurityGroupRuleSet[] }).ruleSets[0];
    };
    const deploy = (c: { jobOk: TestServer['admin']['jobOk'] }, extra: Record<string, string> = {}) =>
      c.jobOk('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, ...extra }).then((r) => r['virtualmachine']);
    const nicIp = async (vmUuid: string) => (await s.app.db.kysely.selectFrom('nics as c').innerJoin('vm_instances as v', 'v.id', 'c.vm_id')
      .select('c.ip_address').where('v.uuid', '=', vmUuid).where('c.removed', 'is', null).executeTakeFirstOrThrow()).ip_address!;
    const group = async (c: { ok: TestServer['admin']['ok'] }, name: string) => (await c.ok('listSecurityGroups', { securitygroupname: name }))['securitygroup'][0];

    before(async () => {
      s = await startServer(dialect);
      const fx = new VmFixtures(s.app.db);
      await fx.init();
      const z = (await s.admin.ok('createZone', { name: 'basic', networktype: 'Basic', securitygroupenabled: true, dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'];
      ids['zone'] = z.id;
      await s.admin.ok('updateZone', { id: z.id, allocationstate: 'Enabled' });
      const pod = (await s.admin.ok('createPod', { name: 'p1', zoneid: z.id, gateway: '192.168.110.1', netmask: '255.255.255.0', startip: '192.168.110.10', endip: '192.168.110.50' }))['pod'];
      ids['pod'] = pod.id;
      const offering = (await s.admin.ok('listNetworkOfferings', { name: 'DefaultSharedNetworkOfferingWithSGService' }))['networkoffering'][0].id;
      // The pod's range exists before the zone's network: creating the network adopts it.
      await s.admin.ok('createVlanIpRange', { podid: pod.id, forvirtualnetwork: false, gateway: '172.20.0.1', netmask: '255.255.255.0', startip: '172.20.0.10', endip: '172.20.0.19' });
      const net = (await s.admin.ok('createNetwork', { zoneid: z.id, name: 'guest', displaytext: 'Basic guest', networkofferingid: offering }))['network'];
      assert.equal(net.type, 'Shared');
      const c = (await s.admin.ok('addCluster', { clustername: 'c1', zoneid: z.id, podid: pod.id, hypervisor: 'Simulator', clustertype: 'CloudManaged' }))['cluster'][0];
      const poolDir = mkdtempSync(join(tmpdir(), 'nimbo-sg-pool-'));
      dirs.push(poolDir);
      await s.admin.ok('createStoragePool', { name: 'sp', zoneid: z.id, podid: pod.id, clusterid: c.id, url: `file://${poolDir}` });
      await s.app.db.kysely.updateTable('storage_pools').set({ status: 'Up', capacity_bytes: 1024 ** 4 }).execute();
      for (let i = 0; i < 2; i++) await s.admin.ok('addHost', { zoneid: z.id, podid: pod.id, clusterid: c.id, url: `http://sim/c0/h${i}`, hypervisor: 'Simulator', username: 'root', password: TOKEN });
      const dataDir = mkdtempSync(join(tmpdir(), 'nimbo-sg-agent-'));
      dirs.push(dataDir);
      children.push(spawn(process.execPath, [BIN, 'agent', '--server', `127.0.0.1:${s.app.services.agents.port}`, '--driver', 'simulator', '--data-dir', dataDir, '--hosts', '2', '--cpus', '8', '--cpu-speed', '2000', '--memory', '16384'], {
        env: { PATH: process.env['PATH'] ?? '', NIMBO_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'],
      }));
      await until('two hosts Up', async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === 2, 60_000);
      const zoneId = (await s.app.db.kysely.selectFrom('zones').select('id').where('uuid', '=', z.id).executeTakeFirstOrThrow()).id;
      ids['so'] = (await fx.serviceOffering()).uuid;
      ids['tpl'] = (await fx.template(zoneId)).uuid;
      alice = await s.newAccount({ name: `alice${dialect}` });
      bob = await s.newAccount({ name: `bob${dialect}` });
    });

    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      await s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('gives every account a default group without rules; names are unique; the default group stays', async () => {
      const r = await alice.ok('listSecurityGroups');
      assert.equal(r['count'], 1);
      const def = r['securitygroup'][0];
      assert.equal(def.name, 'default');
      assert.equal(def.account, alice.accountName);
      assert.deepEqual([def.ingressrule, def.egressrule, def.virtualmachineids, def.virtualmachinecount], [[], [], [], 0]);
      const web = (await alice.ok('createSecurityGroup', { name: 'web', description: 'Web servers' }))['securitygroup'];
      assert.equal(web.description, 'Web servers');
      expectError(await alice.call('createSecurityGroup', { name: 'web' }), 431, /a group with name web already exists/);
      expectError(await alice.call('createSecurityGroup', { name: 'default' }), 431, /already exists/);
      expectError(await alice.call('deleteSecurityGroup', { name: 'default' }), 431, /default is reserved/);
      const tmp = (await alice.ok('createSecurityGroup', { name: 'tmp' }))['securitygroup'];
      await alice.ok('deleteSecurityGroup', { id: tmp.id });
      expectError(await alice.call('listSecurityGroups', { id: tmp.id }), 431);
      const events = (await alice.ok('listEvents', { type: 'SG.CREATE' }))['event'];
      assert.equal(events.length, 2);
      assert.equal((await alice.ok('listEvents', { type: 'SG.DELETE' }))['count'], 1);
    });

    it('authorizes and revokes rules, validating them as CloudStack does', async () => {
      const web = await group(alice, 'web');
      const r = await alice.jobOk('authorizeSecurityGroupIngress', { securitygroupid: web.id, protocol: 'tcp', startport: 80, endport: 80, cidrlist: '0.0.0.0/0,10.0.0.0/8' });
      assert.equal(r['securitygroup'].id, web.id);
      assert.equal(r['securitygroup'].ingressrule.length, 2, 'one rule per CIDR, only the new ones');
      // The same rule again adds nothing; another adds one.
      assert.equal((await alice.jobOk('authorizeSecurityGroupIngress', { securitygroupname: 'web', protocol: 'tcp', startport: 80, endport: 80, cidrlist: '0.0.0.0/0' }))['securitygroup'].ingressrule.length, 0);
      await alice.jobOk('authorizeSecurityGroupIngress', { securitygroupname: 'web', protocol: 'icmp', icmptype: 8, icmpcode: 0, cidrlist: '0.0.0.0/0' });
      const listed = await group(alice, 'web');
      assert.deepEqual(listed.ingressrule.map((x: any) => [x.protocol, x.startport, x.endport, x.icmptype, x.icmpcode, x.cidr]),
        [['tcp', 80, 80, undefined, undefined, '0.0.0.0/0'], ['tcp', 80, 80, undefined, undefined, '10.0.0.0/8'], ['icmp', undefined, undefined, 8, 0, '0.0.0.0/0']]);
      assert.ok(listed.ingressrule.every((x: any) => typeof x.ruleid === 'string' && x.account === alice.accountName));
      expectError(await alice.call('authorizeSecurityGroupIngress', { securitygroupid: web.id, protocol: 'tcp', startport: 22, cidrlist: '0.0.0.0/0' }), 431, /Invalid port range/);
      expectError(await alice.call('authorizeSecurityGroupIngress', { securitygroupid: web.id, protocol: 'tcp', startport: 22, endport: 22, cidrlist: '300.0.0.0/8' }), 431, /Invalid cidr/);
      expectError(await alice.call('authorizeSecurityGroupIngress', { securitygroupid: web.id, securitygroupname: 'web', cidrlist: '0.0.0.0/0' }), 431, /mutually exclusive/);
      const failed = await alice.job('authorizeSecurityGroupEgress', { securitygroupid: web.id, protocol: 'udp', startport: 53, endport: 53 });
      assert.equal(failed['jobstatus'], 2);
      assert.match(failed['jobresult'].errortext, /At least one cidr or at least one security group/);
      const ten = listed.ingressrule.find((x: any) => x.cidr === '10.0.0.0/8');
      expectError(await alice.call('revokeSecurityGroupEgress', { id: ten.ruleid }), 431, /Unable to find egress rule/);
      assert.equal((await alice.jobOk('revokeSecurityGroupIngress', { id: ten.ruleid }))['success'], true);
      assert.equal((await group(alice, 'web')).ingressrule.length, 2);
      // The change's own event (beside the job's Scheduled/Completed ones), one per call that changed rules.
      const own = async (type: string, text: RegExp) => (await alice.ok('listEvents', { type }))['event'].filter((e: any) => text.test(e.description)).length;
      assert.equal(await own('SG.AUTH.INGRESS', /^Authorized ingress rules in security group web/), 3);
      assert.equal(await own('SG.REVOKE.INGRESS', /^Revoked an ingress rule of security group web/), 1);
    });

    it('deploys into the zone network: an address from the pod range, the default group when none is named, rules on the host', async () => {
      const vm = await deploy(alice);
      assert.equal(vm.state, 'Running');
      assert.deepEqual(vm.securitygroup.map((g: any) => g.name), ['default']);
      ids['aliceDefaultVm'] = vm.id;
      const ip = await nicIp(vm.id);
      assert.match(ip, /^172\.20\.0\.(1\d)$/);
      const row = await s.app.db.kysely.selectFrom('user_ip_addresses').select(['state', 'account_id']).where('public_ip_address', '=', ip).executeTakeFirstOrThrow();
      assert.equal(row.state, 'Allocated');
      // It is the guest's NIC address, not a public IP: not releasable, not counted as one.
      const ipUuid = (await s.app.db.kysely.selectFrom('user_ip_addresses').select('uuid').where('public_ip_address', '=', ip).executeTakeFirstOrThrow()).uuid;
      expectError(await alice.call('disassociateIpAddress', { id: ipUuid }), 431, /direct attached guest/);
      const counted = (await s.admin.ok('updateResourceCount', { account: alice.accountName, domainid: (await s.admin.ok('listDomains'))['domain'][0].id, resourcetype: 1 }))['resourcecount'];
      assert.equal(Number(counted[0].resourcecount), 0);
      const set = await hostRules(vm.id);
      assert.ok(set, 'the host has a rule set for the VM');
      assert.equal(set.ip, ip);
      assert.deepEqual(set.ingress, [], 'default group: ingress closed');
      assert.equal(set.egressDefaultAllow, true, 'default group: egress open');
      const listed = (await alice.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0];
      assert.deepEqual(listed.securitygroup.map((g: any) => g.name), ['default']);
      assert.deepEqual((await group(alice, 'default')).virtualmachineids, [vm.id]);
    });

    it('pushes every rule change to the hosts of the group members', async () => {
      const vm = await deploy(alice, { securitygroupnames: 'web', name: 'web1' });
      ids['web1'] = vm.id;
      assert.deepEqual(vm.securitygroup.map((g: any) => g.name), ['web']);
      let set = (await hostRules(vm.id))!;
      assert.deepEqual(set.ingress.map((r) => [r.protocol, r.startPort, r.icmpType, r.cidrs]), [['tcp', 80, null, ['0.0.0.0/0']], ['icmp', null, 8, ['0.0.0.0/0']]]);
      const v1 = set.version;
      const ssh = (await alice.jobOk('authorizeSecurityGroupIngress', { securitygroupname: 'web', protocol: 'tcp', startport: 22, endport: 22, cidrlist: '192.0.2.0/24' }))['securitygroup'].ingressrule[0];
      set = (await hostRules(vm.id))!;
      assert.ok(set.version > v1);
      assert.ok(set.ingress.some((r) => r.startPort === 22 && r.cidrs[0] === '192.0.2.0/24'));
      await alice.jobOk('authorizeSecurityGroupEgress', { securitygroupname: 'web', protocol: 'tcp', startport: 443, endport: 443, cidrlist: '0.0.0.0/0' });
      set = (await hostRules(vm.id))!;
      assert.equal(set.egressDefaultAllow, false, 'an egress rule closes the rest of egress');
      assert.deepEqual(set.egress.map((r) => r.startPort), [443]);
      await alice.jobOk('revokeSecurityGroupIngress', { id: ssh.ruleid });
      set = (await hostRules(vm.id))!;
      assert.ok(!set.ingress.some((r) => r.startPort === 22));
      // The default-group VM is not a member: its set did not change.
      assert.deepEqual((await hostRules(ids['aliceDefaultVm']!))!.ingress, []);
    });

    it('sends a reconnecting host the full rule sets of its VMs again', async () => {
      const before = (await hostRules(ids['web1']!))!;
      const vm = await s.app.db.kysely.selectFrom('vm_instances').select('host_id').where('uuid', '=', ids['web1']!).executeTakeFirstOrThrow();
      s.app.services.agents.dropConnection(vm.host_id!);
      const after = await until('the rules pushed again', async () => {
        if (!s.app.services.agents.isConnected(vm.host_id!)) return undefined;
        const set = await hostRules(ids['web1']!).catch(() => undefined);
        return set && set.version > before.version ? set : undefined;
      });
      assert.deepEqual(after.ingress, before.ingress);
    });

    it('a migrated VM\'s rules follow it to the destination host', async () => {
      const before = (await hostRules(ids['web1']!))!;
      const vm = await s.app.db.kysely.selectFrom('vm_instances').select('host_id').where('uuid', '=', ids['web1']!).executeTakeFirstOrThrow();
      const other = await s.app.db.kysely.selectFrom('hosts').select('uuid').where('id', '!=', vm.host_id!).where('status', '=', 'Up').executeTakeFirstOrThrow();
      const moved = (await s.admin.jobOk('migrateVirtualMachine', { virtualmachineid: ids['web1']!, hostid: other.uuid }))['virtualmachine'];
      assert.equal(moved.hostid, other.uuid);
      const after = (await hostRules(ids['web1']!))!;
      assert.ok(after.version > before.version);
      assert.deepEqual(after.ingress, before.ingress);
    });

    it('usersecuritygrouplist allows the members of another account\'s group, following membership', async () => {
      const db = (await bob.ok('createSecurityGroup', { name: 'db' }))['securitygroup'];
      const allow = await bob.jobOk('authorizeSecurityGroupIngress', {
        securitygroupid: db.id, protocol: 'tcp', startport: 5432, endport: 5432, 'usersecuritygrouplist[0].account': alice.accountName, 'usersecuritygrouplist[0].group': 'web',
      });
      const rule = allow['securitygroup'].ingressrule[0];
      assert.equal(rule.securitygroupname, 'web');
      assert.equal(rule.account, alice.accountName);
      assert.equal(rule.cidr, undefined);
      const failed = await bob.job('authorizeSecurityGroupIngress', { securitygroupid: db.id, protocol: 'tcp', startport: 1, endport: 2, 'usersecuritygrouplist[0].account': alice.accountName, 'usersecuritygrouplist[0].group': 'nosuch' });
      assert.match(failed['jobresult'].errortext, /Nonexistent group nosuch/);
      const dbVm = await deploy(bob, { securitygroupids: db.id });
      const peer = await nicIp(ids['web1']!);
      let set = (await hostRules(dbVm.id))!;
      assert.deepEqual(set.ingress.map((r) => [r.startPort, r.cidrs]), [[5432, [`${peer}/32`]]]);
      // A second web VM: bob's VM now allows it too.
      const web2 = await deploy(alice, { securitygroupnames: 'web', name: 'web2' });
      set = (await hostRules(dbVm.id))!;
      assert.deepEqual(set.ingress[0]!.cidrs.sort(), [`${peer}/32`, `${await nicIp(web2.id)}/32`].sort());
      // Alice's web group is allowed by bob's rule: it cannot be deleted.
      expectError(await alice.call('deleteSecurityGroup', { name: 'web' }), 536, /security rules that allow this group/);
      // Expunging web2 drops its address from bob's VM and frees it in the pod range.
      const ip2 = await nicIp(web2.id);
      await s.admin.jobOk('destroyVirtualMachine', { id: web2.id, expunge: true });
      set = (await hostRules(dbVm.id))!;
      assert.deepEqual(set.ingress[0]!.cidrs, [`${peer}/32`]);
      assert.equal((await s.app.db.kysely.selectFrom('user_ip_addresses').select('state').where('public_ip_address', '=', ip2).executeTakeFirstOrThrow()).state, 'Free');
      // A group with member VMs cannot be deleted either.
      expectError(await bob.call('deleteSecurityGroup', { id: db.id }), 536, /in use by virtual machines/);
      ids['dbVm'] = dbVm.id;
    });

    it('keeps accounts apart: groups, rules and deploys', async () => {
      const aliceWeb = await group(alice, 'web');
      assert.equal((await bob.ok('listSecurityGroups', { securitygroupname: 'web' }))['count'] ?? 0, 0);
      expectError(await bob.call('authorizeSecurityGroupIngress', { securitygroupid: aliceWeb.id, protocol: 'all', cidrlist: '0.0.0.0/0' }), 531);
      expectError(await bob.call('revokeSecurityGroupIngress', { id: aliceWeb.ingressrule[0].ruleid }), 531);
      expectError(await bob.call('deleteSecurityGroup', { id: aliceWeb.id }), 531);
      expectError(await bob.call('createSecurityGroup', { name: 'x', account: alice.accountName, domainid: (await s.admin.ok('listDomains'))['domain'][0].id }), 531);
      expectError(await bob.call('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, securitygroupids: aliceWeb.id }), 431, /does not belong/);
      expectError(await bob.call('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, securitygroupnames: 'nosuch' }), 431, /Unable to find security group by name nosuch/);
      const all = (await s.admin.ok('listSecurityGroups', { listall: true }))['securitygroup'].map((g: any) => `${g.account}/${g.name}`);
      for (const n of [`${alice.accountName}/web`, `${alice.accountName}/default`, `${bob.accountName}/db`]) assert.ok(all.includes(n), n);
      // Admins act for an account by name; the group is that account's.
      const made = (await s.admin.ok('createSecurityGroup', { name: 'ops', account: bob.accountName, domainid: (await s.admin.ok('listDomains'))['domain'][0].id }))['securitygroup'];
      assert.equal(made.account, bob.accountName);
      assert.equal((await bob.ok('listSecurityGroups', { securitygroupname: 'ops' }))['count'], 1);
      assert.deepEqual((await bob.ok('listVirtualMachines', { securitygroupid: (await group(bob, 'db')).id }))['virtualmachine'].map((v: any) => v.id), [ids['dbVm']]);
    });

    it('works from Debian\'s cs CLI: create, authorize (async, waited for), list, revoke, delete', { skip: csSkip }, async () => {
      const g = (await csOk(s, 'createSecurityGroup', { name: 'cli', description: 'from cs' }))['securitygroup'];
      const auth = await csOk(s, 'authorizeSecurityGroupIngress', { securitygroupname: 'cli', protocol: 'tcp', startport: '8080', endport: '8081', cidrlist: '198.51.100.0/24' });
      const rule = auth['securitygroup'].ingressrule[0];
      assert.deepEqual([rule.startport, rule.endport, rule.cidr], [8080, 8081, '198.51.100.0/24']);
      const listed = (await csOk(s, 'listSecurityGroups', { securitygroupname: 'cli' }))['securitygroup'][0];
      assert.equal(listed.id, g.id);
      assert.equal(listed.ingressrule[0].ruleid, rule.ruleid);
      assert.equal(String((await csOk(s, 'revokeSecurityGroupIngress', { id: rule.ruleid }))['success']), 'true');
      assert.equal(String((await csOk(s, 'deleteSecurityGroup', { name: 'cli' }))['success']), 'true');
      assert.equal((await csOk(s, 'listSecurityGroups', { securitygroupname: 'cli' }))['count'] ?? 0, 0);
    });

    it('refuses network ids in a Basic zone and security groups in an Advanced zone', async () => {
      const net = (await s.admin.ok('listNetworks', { zoneid: ids['zone']!, listall: true }))['network'][0].id;
      expectError(await alice.call('deployVirtualMachine', { zoneid: ids['zone']!, serviceofferingid: ids['so']!, templateid: ids['tpl']!, networkids: net }), 431, /Can't specify network Ids in Basic zone/);
      const adv = (await s.admin.ok('createZone', { name: 'adv', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' }))['zone'].id;
      await s.admin.ok('updateZone', { id: adv, allocationstate: 'Enabled' });
      expectError(await alice.call('deployVirtualMachine', { zoneid: adv, serviceofferingid: ids['so']!, templateid: ids['tpl']!, securitygroupnames: 'web' }), 431, /security group feature is not enabled/);
    });

    it('deleting an account removes its groups and the rules of other accounts that allowed them', async () => {
      assert.equal((await hostRules(ids['dbVm']!))!.ingress.length, 1);
      await s.admin.jobOk('deleteAccount', { id: alice.accountId });
      assert.deepEqual((await group(bob, 'db')).ingressrule, []);
      assert.deepEqual((await hostRules(ids['dbVm']!))!.ingress, [], 'bob\'s VM no longer allows alice\'s addresses');
      const left = await s.app.db.kysely.selectFrom('security_groups as g').innerJoin('accounts as a', 'a.id', 'g.account_id').select('g.id').where('a.uuid', '=', alice.accountId).execute();
      assert.deepEqual(left, []);
    });
  });
}
