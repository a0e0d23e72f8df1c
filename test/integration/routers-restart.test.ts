/**
 * Router documents survive the management server and the agent coming and going: after a
 * restart of the management server every running router's document is pushed again (the
 * simulator counts each ApplyRouterConfig it receives), and a change made while a host's agent
 * was away (its connection cut by a proxy, the simulator keeping the router running) reaches
 * the router when the agent reconnects.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { ApiClient, startServer, type TestServer } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { freePort } from '../../src/util/free-port.js';
import { createApp } from '../../src/app.js';
import { documentVersion } from '../../src/drivers/router-version.js';

for (const dialect of dialectsUnderTest()) {
  describe(`router documents across restarts (${dialect})`, () => {
    let s: TestServer;
    let g: GuestZone;
    let proxy: TcpProxy;
    let agentPort = '';
    let alice: Awaited<ReturnType<TestServer['newAccount']>>;
    let netId = 0;
    let net = '';

    before(async () => {
      agentPort = String(await freePort());
      s = await startServer(dialect, { options: { agentPort } });
      proxy = await tcpProxy(Number(agentPort));
      g = await guestZone(s, { hosts: 1, server: proxy.address });
      alice = await s.newAccount({ name: `rsalice${dialect}` });
      const vm = (await alice.jobOk('deployVirtualMachine', { zoneid: g.zone, serviceofferingid: g.so, templateid: g.tpl, name: 'web1' }))['virtualmachine'];
      net = vm.nic[0].networkid;
      netId = (await s.app.db.kysely.selectFrom('networks').select('id').where('uuid', '=', net).executeTakeFirstOrThrow()).id;
    });
    after(async () => {
      g.close();
      await proxy.close();
      // Not s.close(): that closes the first app; s.app is the restarted one.
      await s.app.close();
      await s.db.drop();
    });

    const routerName = async () => (await s.app.db.kysely.selectFrom('domain_routers as r').innerJoin('vm_instances as v', 'v.id', 'r.vm_id').select('v.instance_name')
      .where('r.network_id', '=', netId).where('r.removed', 'is', null).executeTakeFirstOrThrow()).instance_name;
    /** What the simulator holds for the router (undefined while its host is not connected). */
    const held = async () => (await g.simulated(await routerName()).catch(() => undefined))?.router as { version: string; document: any; received: number } | undefined;
    const current = async () => documentVersion(await s.app.services.networks.routerDocument(netId));

    it('a restarted management server pushes every running router its document again', async () => {
      const first = await until('the router to hold the current document', async () => {
        const h = await held();
        return h && h.version === (await current()) ? h : undefined;
      });
      await s.app.close();
      const restartAt = Date.now();
      const app2 = await createApp({ dataDir: s.db.dataDir, dbUrl: s.db.url, port: 0, host: '127.0.0.1', adminPassword: 'password', logLevel: false,
        options: { agentPort, agentHost: '127.0.0.1', demoZone: 'false' } });
      const { port } = await app2.listen();
      s.app = app2;
      s.admin = new ApiClient({ ...s.admin.opts, endpoint: `http://127.0.0.1:${port}/client/api` });
      alice = Object.assign(new ApiClient({ ...alice.opts, endpoint: s.admin.opts.endpoint }), { accountId: alice.accountId, userId: alice.userId, accountName: alice.accountName });
      // Pushed again (received once more) although nothing changed, and recorded as acknowledged.
      const again = await until('the router document to be re-pushed after the restart', async () => {
        const h = await held();
        return h && h.received > first.received ? h : undefined;
      });
      assert.equal(again.version, first.version);
      assert.equal(again.version, await current());
      // The simulator counts the push when it arrives; the server records the answer a moment later.
      const row = await until('the new server to record the acknowledgement', async () => {
        const r = await s.app.db.kysely.selectFrom('domain_routers').select(['applied_version', 'applied_at']).where('network_id', '=', netId).where('removed', 'is', null).executeTakeFirstOrThrow();
        return Number(r.applied_at) >= restartAt ? r : undefined;
      });
      assert.equal(row.applied_version, first.version);
      assert.ok(Number(row.applied_at) >= restartAt, 'the new server recorded the acknowledgement');
    });

    it('a change made while the agent was away is applied when it reconnects', async () => {
      const hostId = (await s.app.db.kysely.selectFrom('hosts').select('id').where('removed', 'is', null).executeTakeFirstOrThrow()).id;
      await until('the host to be connected', async () => s.app.services.agents.isConnected(hostId));
      const before = (await held())!;
      await proxy.pause();
      await until('the server to see the agent gone', async () => !s.app.services.agents.isConnected(hostId));
      const snat = (await alice.ok('listPublicIpAddresses', { issourcenat: true }))['publicipaddress'][0].id;
      await alice.jobOk('createFirewallRule', { ipaddressid: snat, protocol: 'tcp', startport: 8443, endport: 8443, cidrlist: '198.51.100.0/24' });
      const want = await current();
      assert.notEqual(want, before.version);
      // The push could not reach the host: nothing acknowledged the new document.
      await until('the failed push to be recorded', async () => s.app.services.routerPusher.lastError.has(netId));
      const row = await s.app.db.kysely.selectFrom('domain_routers').select('applied_version').where('network_id', '=', netId).where('removed', 'is', null).executeTakeFirstOrThrow();
      assert.equal(row.applied_version, before.version);
      await proxy.resume();
      const after = await until('the reconnected agent to apply the change', async () => {
        const h = await held();
        return h && h.version === want ? h : undefined;
      }, 60_000);
      assert.deepEqual(after.document.firewall.ingress.map((f: any) => [f.ports, f.cidrs]), [[[8443, 8443], ['198.51.100.0/24']]]);
      await until('the acknowledgement to be recorded', async () => {
        const r = await s.app.db.kysely.selectFrom('domain_routers').select('applied_version').where('network_id', '=', netId).where('removed', 'is', null).executeTakeFirstOrThrow();
        return r.applied_version === want;
      });
      assert.equal(s.app.services.routerPusher.lastError.has(netId), false);
    });
  });
}
