/**
 * Usage over a real server on every database, with the demo zone's simulated agents: a VM
 * deployed, stopped and started five times, a public IP with a port-forwarding and a
 * load-balancer rule, then destroyed. The records the usage job writes are compared with the
 * times of the events that opened and closed each usage (read from the event log), to the
 * millisecond; then re-running, scoping, filters and removeRawUsageRecords.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type ApiClient, type TestServer } from '../helpers/server.js';
import { until as waitUntil } from '../helpers/until.js';

const until = <T>(what: string, f: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> => waitUntil(what, f, ms, 200);

const DAY = 86_400_000;

for (const dialect of dialectsUnderTest()) {
  describe(`usage records (${dialect})`, () => {
    let s: TestServer;
    let user: ApiClient & { accountId: string; accountName: string };
    let other: ApiClient & { accountId: string; accountName: string };
    const ids: Record<string, string> = {};

    /** Completed INFO events of a resource, oldest first: [type, ms]. */
    const eventsOf = async (uuid: string) => (await s.app.db.kysely.selectFrom('events').select(['type', 'created', 'level']).where('resource_uuid', '=', uuid)
      .where('state', '=', 'Completed').where('level', '=', 'INFO').orderBy('id').execute()).map((e) => [e.type, Number(e.created)] as const);
    /** Sum of [open, close) spans, pairing each `open` type with the next `close` type. */
    const spans = (evs: ReadonlyArray<readonly [string, number]>, open: string[], close: string[]) => {
      let total = 0;
      let since: number | undefined;
      for (const [t, at] of evs) {
        if (open.includes(t) && since === undefined) since = at;
        else if (close.includes(t) && since !== undefined) { total += at - since; since = undefined; }
      }
      assert.equal(since, undefined, 'every span closed');
      return total;
    };
    const records = async (client: ApiClient, extra: Record<string, string | number> = {}) => {
      const r = await client.ok('listUsageRecords', { startdate: '2000-01-01', enddate: new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10), page: 1, pagesize: 500, ...extra });
      return (r['usagerecord'] ?? []) as any[];
    };
    const rawMs = async (usageId: string, type: number) => {
      const rows = await s.app.db.kysely.selectFrom('usage_records').select('raw').where('usage_id', '=', usageId).where('usage_type', '=', type).execute();
      return rows.reduce((a, r) => a + Number(r.raw), 0);
    };

    before(async () => {
      s = await startServer(dialect, { demoZone: true, options: { usageTickMs: '0' } });
      await until('four demo hosts Up', async () => (await s.admin.ok('listHosts', { state: 'Up' }))['count'] === 4);
      const zone = (await s.admin.ok('listZones'))['zone'][0];
      user = await s.newAccount();
      other = await s.newAccount();
      const template = await until('the built-in template ready', async () => {
        const t = (await user.ok('listTemplates', { templatefilter: 'featured', zoneid: zone.id }))['template']?.[0];
        return t?.isready ? t : undefined;
      });
      const offering = (await user.ok('listServiceOfferings', { name: 'Small Instance' }))['serviceoffering'][0];
      ids['offering'] = offering.id;
      ids['template'] = template.id;
      const off = (await user.ok('listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' }))['networkoffering'][0].id;
      ids['network'] = (await user.ok('createNetwork', { name: 'n', networkofferingid: off, zoneid: zone.id }))['network'].id;
      ids['plugged'] = String(Date.now());
      const vm = (await user.jobOk('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name: 'billed', startvm: false }))['virtualmachine'];
      ids['vm'] = vm.id;
      // The deploy plugged the VM's default NIC on the account's network 'n'; the VM.START below bills it.
      const k = s.app.db.kysely;
      const vmId = (await k.selectFrom('vm_instances').select('id').where('uuid', '=', vm.id).executeTakeFirstOrThrow()).id;
      const netId = (await k.selectFrom('networks').select('id').where('uuid', '=', ids['network']!).executeTakeFirstOrThrow()).id;
      ids['nic'] = (await k.selectFrom('nics').select('uuid').where('vm_id', '=', vmId).where('network_id', '=', netId).where('is_default', '=', 1).executeTakeFirstOrThrow()).uuid;
      await user.jobOk('startVirtualMachine', { id: vm.id });
      for (let i = 0; i < 5; i++) {
        await user.jobOk('stopVirtualMachine', { id: vm.id });
        await user.jobOk('startVirtualMachine', { id: vm.id });
      }
      // The network's first IP later becomes its source NAT address (billed too, never released here).
      const root = (await user.ok('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }))['volume'][0];
      ids['snapshot'] = (await user.jobOk('createSnapshot', { volumeid: root.id }))['snapshot'].id;
      await user.jobOk('deleteSnapshot', { id: ids['snapshot']! });
      ids['snat'] = (await user.jobOk('associateIpAddress', { networkid: ids['network']! }))['ipaddress'].id;
      ids['ip'] = (await user.jobOk('associateIpAddress', { networkid: ids['network']! }))['ipaddress'].id;
      ids['pf'] = (await user.jobOk('createPortForwardingRule', { ipaddressid: ids['ip']!, protocol: 'tcp', publicport: 2222, privateport: 22, virtualmachineid: vm.id }))['portforwardingrule'].id;
      ids['lb'] = (await user.jobOk('createLoadBalancerRule', { publicipid: ids['ip']!, name: 'web', algorithm: 'roundrobin', publicport: 80, privateport: 8080 }))['loadbalancer'].id;
      await user.jobOk('deletePortForwardingRule', { id: ids['pf']! });
      await user.jobOk('deleteLoadBalancerRule', { id: ids['lb']! });
      // Left in place: releasing the IP revokes it (without an event of its own).
      ids['pf2'] = (await user.jobOk('createPortForwardingRule', { ipaddressid: ids['ip']!, protocol: 'tcp', publicport: 2200, privateport: 22, virtualmachineid: vm.id }))['portforwardingrule'].id;
      await user.jobOk('disassociateIpAddress', { id: ids['ip']! });
      await s.admin.jobOk('destroyVirtualMachine', { id: vm.id, expunge: true });
      // Daily aggregation at 00:00 GMT; the job's clock two days ahead makes today a complete, due day.
      await s.admin.ok('updateConfiguration', { name: 'usage.stats.job.exec.time', value: '00:00' });
      s.app.services.usageJob.clock = () => Date.now() + 2 * DAY;
    });
    after(async () => s.close());

    it('generateUsageRecords writes running time to the millisecond of five start/stop cycles', async () => {
      await s.admin.ok('generateUsageRecords');
      const evs = await eventsOf(ids['vm']!);
      assert.equal(evs.filter(([t]) => t === 'VM.START').length, 6);
      assert.equal(evs.filter(([t]) => t === 'VM.STOP').length, 6);
      const running = spans(evs, ['VM.START'], ['VM.STOP']);
      assert.ok(running > 0);
      assert.equal(await rawMs(ids['vm']!, 1), running);
      const allocated = spans(evs, ['VM.CREATE'], ['VM.DESTROY', 'VM.EXPUNGE']);
      assert.equal(await rawMs(ids['vm']!, 2), allocated);
      const recs = await records(s.admin, { type: 1, usageid: ids['vm']! });
      assert.ok(recs.length >= 1);
      const r = recs[0];
      assert.equal(r.account, user.accountName);
      assert.equal(r.accountid, user.accountId);
      assert.equal(r.usagetype, 1);
      assert.equal(r.virtualmachineid, ids['vm']);
      assert.equal(r.name, 'billed');
      assert.equal(r.offeringid, ids['offering']);
      assert.equal(r.templateid, ids['template']);
      assert.match(r.usage, / Hrs$/);
      const hours = recs.reduce((a: number, x: any) => a + Number(x.rawusage), 0);
      assert.ok(Math.abs(hours - running / 3_600_000) < 1e-5 * recs.length);
      assert.match(r.description, /^billed running time \(ServiceOffering: /);
      assert.equal(typeof r.cpunumber, 'number');
      assert.match(r.startdate, /^\d{4}-\d\d-\d\dT00:00:00\+0000$/);
    });

    it('bills the IP, the port-forwarding and load-balancer rules, the NIC and the root volume from their events', async () => {
      assert.equal(await rawMs(ids['ip']!, 3), spans(await eventsOf(ids['ip']!), ['NET.IPASSIGN'], ['NET.IPRELEASE']));
      assert.equal(await rawMs(ids['pf']!, 12), spans(await eventsOf(ids['pf']!), ['NET.RULEADD'], ['NET.RULEDELETE']));
      const snap = await eventsOf(ids['snapshot']!);
      const taken = snap.find(([t]) => t === 'SNAPSHOT.CREATE')![1];
      const deleted = snap.find(([t]) => t === 'SNAPSHOT.DELETE')![1];
      assert.equal(await rawMs(ids['snapshot']!, 9), deleted - taken, 'a snapshot is billed from its backup to its deletion');
      const snapRec = (await records(s.admin, { type: 9, usageid: ids['snapshot']! }))[0];
      assert.ok(snapRec.size > 0);
      const pf2Start = (await eventsOf(ids['pf2']!)).find(([t]) => t === 'NET.RULEADD')![1];
      const ipReleased = (await eventsOf(ids['ip']!)).find(([t]) => t === 'NET.IPRELEASE')![1];
      assert.equal(await rawMs(ids['pf2']!, 12), ipReleased - pf2Start, 'a rule revoked with its IP stops with the IP');
      assert.equal(await rawMs(ids['lb']!, 11), spans(await eventsOf(ids['lb']!), ['LB.CREATE'], ['LB.DELETE']));
      const evs = await eventsOf(ids['vm']!);
      const allocated = spans(evs, ['VM.CREATE'], ['VM.DESTROY', 'VM.EXPUNGE']);
      // Billing follows state: the first event about the VM after the NIC was plugged (the start job's Scheduled event) opens it.
      const next = await s.app.db.kysely.selectFrom('events').select('created').where('resource_uuid', '=', ids['vm']!).where('created', '>=', Number(ids['plugged'])).orderBy('id').executeTakeFirstOrThrow();
      const gone = evs.find(([t]) => t === 'VM.DESTROY' || t === 'VM.EXPUNGE')![1];
      assert.equal(await rawMs(ids['nic']!, 13), gone - Number(next.created));
      const ip = (await records(s.admin, { type: 3, usageid: ids['ip']! }))[0];
      assert.equal(ip.issourcenat, false);
      const snat = await records(s.admin, { type: 3, usageid: ids['snat']! });
      assert.ok(snat.length >= 1);
      // Its issourcenat is what the IP row said at its last event: implementing the network flips
      // source_nat without an event of its own, so it is not asserted here.
      assert.equal(typeof snat[0].issourcenat, 'boolean');
      assert.match(ip.description, /^IPAddress: /);
      const vol = (await records(s.admin, { type: 6 })).filter((x: any) => x.virtualmachineid === ids['vm']);
      assert.equal(vol.length, 1);
      assert.ok(vol[0].size > 0);
      assert.equal(await rawMs(vol[0].usageid, 6), allocated, 'the root volume lives as long as the VM here (expunged with it)');
      const nic = (await records(s.admin, { type: 13, usageid: ids['nic']! }))[0];
      assert.equal(nic.isdefault, true, JSON.stringify(nic));
      assert.equal(nic.networkid, ids['network']);
    });

    it('never counts twice: generating again, or by range, changes nothing', async () => {
      const before = (await s.app.db.kysely.selectFrom('usage_records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
      await s.admin.ok('generateUsageRecords');
      await s.admin.ok('generateUsageRecords', { startdate: '2000-01-01', enddate: new Date(Date.now() + DAY).toISOString().slice(0, 10) });
      const now = (await s.app.db.kysely.selectFrom('usage_records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
      assert.equal(Number(now), Number(before));
      const vmRunning = spans(await eventsOf(ids['vm']!), ['VM.START'], ['VM.STOP']);
      assert.equal(await rawMs(ids['vm']!, 1), vmRunning);
      const r = await s.admin.call('generateUsageRecords', { startdate: '2020-01-05', enddate: '2020-01-01' });
      assert.equal(r.status, 431);
    });

    it('scopes listUsageRecords: admins see everyone, users may not call it, filters and paging', async () => {
      const mine = await records(s.admin, { account: user.accountName, domainid: (await s.admin.ok('listDomains'))['domain'][0].id });
      assert.ok(mine.length >= 6);
      assert.ok(mine.every((x: any) => x.account === user.accountName));
      const byId = await records(s.admin, { accountid: user.accountId });
      assert.equal(byId.length, mine.length);
      assert.equal((await records(s.admin, { accountid: other.accountId })).length, 0);
      const denied = await user.call('listUsageRecords', { startdate: '2000-01-01', enddate: '2100-01-01' });
      assert.equal(denied.status, 432);
      const page = await s.admin.ok('listUsageRecords', { startdate: '2000-01-01', enddate: '2100-01-01', accountid: user.accountId, page: 1, pagesize: 2 });
      assert.equal(page['usagerecord'].length, 2);
      assert.equal(page['count'], mine.length);
      assert.ok((await records(s.admin, { type: 12 })).every((x: any) => x.usagetype === 12));
      assert.equal((await s.admin.call('listUsageRecords', { enddate: '2100-01-01' })).status, 431);
    });

    it('lists the usage types with CloudStack ids', async () => {
      const t = (await s.admin.ok('listUsageTypes'))['usagetype'] as any[];
      assert.deepEqual(t.find((x) => x.id === 1), { id: 1, name: 'RUNNING_VM', description: 'Running Vm Usage' });
      assert.equal(t.find((x) => x.id === 12).name, 'PORT_FORWARDING_RULE');
      assert.equal((await user.call('listUsageTypes')).status, 432);
    });

    it('removeRawUsageRecords keeps recent records and drops old ones', async () => {
      assert.equal((await s.admin.call('removeRawUsageRecords', { interval: 0 })).status, 431);
      const n = async () => Number((await s.app.db.kysely.selectFrom('usage_records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const had = await n();
      await s.admin.ok('removeRawUsageRecords', { interval: 30 });
      assert.equal(await n(), had);
      s.app.services.usageJob.clock = () => Date.now() + 40 * DAY;
      await s.admin.ok('removeRawUsageRecords', { interval: 30 });
      assert.equal(await n(), 0);
      const closed = await s.app.db.kysely.selectFrom('usage_intervals').select('id').where('usage_id', '=', ids['pf']!).execute();
      assert.equal(closed.length, 0, 'aggregated raw intervals go too');
    });
  });
}
