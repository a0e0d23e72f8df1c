/**
 * Remote access VPN end to end on every database, over a real simulator agent: the VPN on an
 * isolated network's source NAT address reaches the router's document (address, client range,
 * pre-shared key, the account's users with their secrets), users are added and removed within
 * remote.access.vpn.user.limit, other accounts see and touch nothing, every change has its
 * event, and VPN users are billed as usage type 14 exactly from their addition to their removal.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';

const DAY = 86_400_000;

for (const dialect of dialectsUnderTest()) {
  describe(`remote access VPN (${dialect})`, () => {
    let s: TestServer;
    let g: GuestZone;
    let alice: ApiClient & { accountId: string; accountName: string };
    let bob: ApiClient & { accountId: string; accountName: string };
    let snat: any;
    let routerName = '';
    let vpn: any;
    const ids: Record<string, string> = {};
    /** The router's VPN section once `ok` accepts it. */
    const routerVpn = async (what: string, ok: (v: any) => boolean) => (await until(what, async () => {
      const doc = (await g.simulated(routerName))?.router?.document;
      return doc && ok(doc.vpn) ? { vpn: doc.vpn ?? null } : undefined;
    })).vpn;
    /** The events the VPN service wrote (the job adds its own Scheduled/Started/Completed ones). */
    const events = async (type: string) => ((await s.admin.ok('listEvents', { type, listall: true, pagesize: 100, page: 1 }))['event'] ?? [] as any[]).filter((e: any) => /^(Created|Deleted|Added|Removed) /.test(e.description));

    before(async () => {
      s = await startServer(dialect, { options: { usageTickMs: '0', routerStatsTickMs: '0' } });
      g = await guestZone(s, { hosts: 1 });
      alice = await s.newAccount();
      bob = await s.newAccount();
      const vm = (await alice.jobOk('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, name: 'vpnweb' }))['virtualmachine'];
      routerName = (await s.admin.ok('listRouters', { networkid: vm.nic[0].networkid, listall: true }))['router'][0].name;
      snat = (await alice.ok('listPublicIpAddresses', { issourcenat: true }))['publicipaddress'][0];
    });
    after(async () => {
      g.close();
      await s.close();
    });

    it('createRemoteAccessVpn on the source NAT address: the router serves it with a generated key', async () => {
      assert.equal((await bob.call('createRemoteAccessVpn', { publicipid: snat.id })).status, 531, "another account's address");
      assert.equal((await alice.call('createRemoteAccessVpn', { publicipid: snat.id, iprange: '10.1.1.100-10.1.1.110' })).status, 431, 'inside the guest CIDR');
      assert.equal((await alice.call('createRemoteAccessVpn', { publicipid: snat.id, iprange: '10.1.2.9-10.1.2.1' })).status, 431);
      const extra = (await alice.jobOk('associateIpAddress', { networkid: snat.associatednetworkid }))['ipaddress'];
      assert.equal((await alice.call('createRemoteAccessVpn', { publicipid: extra.id })).status, 431, 'only the source NAT address');
      vpn = (await alice.jobOk('createRemoteAccessVpn', { publicipid: snat.id }))['remoteaccessvpn'];
      assert.equal(vpn.state, 'Running');
      assert.equal(vpn.publicip, snat.ipaddress);
      assert.equal(vpn.publicipid, snat.id);
      assert.equal(vpn.iprange, '10.1.2.1-10.1.2.8');
      assert.match(vpn.presharedkey, /^[A-Za-z0-9]{24}$/);
      assert.equal(vpn.account, alice.accountName);
      assert.equal((await alice.call('createRemoteAccessVpn', { publicipid: snat.id })).status, 431, 'one VPN per address');
      const doc = await routerVpn('the router to serve the VPN', (v) => v !== undefined);
      assert.deepEqual(doc, { publicIp: snat.ipaddress, ipRange: '10.1.2.1-10.1.2.8', presharedKey: vpn.presharedkey, openFirewall: true, users: [] });
      assert.equal((await events('VPN.REMOTE.ACCESS.CREATE')).length, 1);
      assert.deepEqual(((await alice.ok('listRemoteAccessVpns'))['remoteaccessvpn'] as any[]).map((v) => v.id), [vpn.id]);
      assert.equal((await bob.ok('listRemoteAccessVpns'))['count'] ?? 0, 0);
    });

    it('VPN users: added within the limit, pushed to the router, removed again; names checked', async () => {
      await s.admin.ok('updateConfiguration', { name: 'remote.access.vpn.user.limit', value: '2' });
      const u1 = (await alice.jobOk('addVpnUser', { username: 'alice.vpn', password: 'Secret-123' }))['vpnuser'];
      assert.equal(u1.username, 'alice.vpn');
      assert.equal(u1.state, 'Active');
      assert.equal(u1.account, alice.accountName);
      const u2 = (await alice.jobOk('addVpnUser', { username: 'temp', password: 'pw4temp' }))['vpnuser'];
      const third = await alice.call('addVpnUser', { username: 'third', password: 'pw4third' });
      assert.notEqual(third.status, 200, 'over remote.access.vpn.user.limit');
      assert.equal((await alice.call('addVpnUser', { username: 'temp', password: 'pw4temp' })).status, 431, 'names are unique per account');
      assert.equal((await alice.call('addVpnUser', { username: 'x', password: 'pw4x' })).status, 431);
      assert.equal((await alice.call('addVpnUser', { username: 'spaced', password: 'has space' })).status, 431);
      const doc = await routerVpn('the router to know both users', (v) => v?.users?.length === 2);
      assert.deepEqual(doc.users, [{ username: 'alice.vpn', password: 'Secret-123' }, { username: 'temp', password: 'pw4temp' }]);
      assert.deepEqual(((await alice.ok('listVpnUsers'))['vpnuser'] as any[]).map((u) => u.username), ['alice.vpn', 'temp']);
      assert.equal((await bob.ok('listVpnUsers'))['count'] ?? 0, 0);
      assert.equal((await bob.call('removeVpnUser', { username: 'temp', account: alice.accountName, domainid: u2.domainid })).status, 531);
      await alice.jobOk('removeVpnUser', { username: 'temp' });
      const after = await routerVpn('the router to drop the removed user', (v) => v?.users?.length === 1);
      assert.deepEqual(after.users.map((u: any) => u.username), ['alice.vpn']);
      assert.deepEqual((await events('VPN.USER.ADD')).length, 2);
      assert.deepEqual((await events('VPN.USER.REMOVE')).length, 1);
      ids.u1 = u1.id;
      ids.u2 = u2.id;
    });
    it('usage type 14: each VPN user from its addition to its removal', async () => {
      s.app.services.usageJob.clock = () => Date.now() + 2 * DAY;
      await s.admin.ok('generateUsageRecords');
      const recs = ((await s.admin.ok('listUsageRecords', { startdate: '2000-01-01', enddate: new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10), type: 14, listall: true }))['usagerecord'] ?? []) as any[];
      assert.deepEqual([...new Set(recs.map((r) => r.usageid))].sort(), [ids.u1, ids.u2].sort());
      const at = async (type: string, uuid: string) => Number((await s.app.db.kysely.selectFrom('events').select('created').where('type', '=', type).where('resource_uuid', '=', uuid).where('state', '=', 'Completed').orderBy('id').executeTakeFirstOrThrow()).created);
      const billed = await s.app.db.kysely.selectFrom('usage_records').select('raw').where('usage_type', '=', 14).where('usage_id', '=', ids.u2!).execute();
      assert.equal(billed.reduce((a, r) => a + Number(r.raw), 0), (await at('VPN.USER.REMOVE', ids.u2!)) - (await at('VPN.USER.ADD', ids.u2!)));
      assert.match(recs.find((r) => r.usageid === ids.u2).description, /^VPN User: temp, Id: /);
    });

    it('deleteRemoteAccessVpn: the router stops serving it; the users stay with the account', async () => {
      assert.equal((await bob.call('deleteRemoteAccessVpn', { publicipid: snat.id })).status, 531);
      await alice.jobOk('deleteRemoteAccessVpn', { publicipid: snat.id });
      assert.equal(await routerVpn('the router to drop the VPN', (v) => v === undefined), null);
      assert.equal((await alice.ok('listRemoteAccessVpns'))['count'] ?? 0, 0);
      assert.equal((await alice.ok('listVpnUsers'))['count'], 1);
      assert.equal((await events('VPN.REMOTE.ACCESS.DESTROY')).length, 1);
      assert.equal((await alice.call('deleteRemoteAccessVpn', { publicipid: snat.id })).status, 431, 'nothing left to delete');
    });
  });
}
