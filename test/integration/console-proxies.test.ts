/**
 * Console proxies as system VMs (issue #11's proxy rules): each management server's proxy is a
 * `v-<id>-VM` record per zone in listSystemVms; it reports its viewer count at each session
 * change and each load scan; a VM with a live session keeps its proxy, otherwise the
 * least-loaded Running proxy with room gets the session, none with room answers
 * success=false; a stopped proxy is not chosen and its WebSocket refuses; a proxy whose
 * management server stopped heartbeating is shown Stopped and not chosen; root admins only.
 * A second proxy in the zone belongs to a peer management server row whose heartbeat the test
 * keeps fresh (its sessions are only assigned here: the farm test opens them across real servers).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer, type ApiClient } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';
import { openConsoleSocket, readFrame, type ConsoleSocket } from '../helpers/rfb-client.js';

for (const dialect of dialectsUnderTest()) {
  describe(`console proxies as system VMs (${dialect})`, () => {
    let s: TestServer;
    let gz: GuestZone;
    let owner: ApiClient;
    const vms: Record<string, string> = {};
    const peer = randomUUID();
    let peerProxy = 0;
    const k = () => s.app.db.kysely;
    const wsUrl = (e: Record<string, any>) => `ws://${e['websocket'].host}${e['websocket'].path}?token=${encodeURIComponent(e['websocket'].token)}`;
    const refusal = (p: Promise<unknown>) => p.then(() => 0, (e: { status?: number }) => e.status ?? -1);
    const endpoint = async (vm: string) => (await owner.ok('createConsoleEndpoint', { virtualmachineid: vms[vm]! }))['consoleendpoint'];
    const ours = async () => ((await s.admin.ok('listSystemVms', { systemvmtype: 'consoleproxy', zoneid: gz.zone }))['systemvm'] ?? []).find((p: any) => p.publicip === '127.0.0.1');
    const beat = () => k().updateTable('management_servers').set({ last_seen: Date.now(), state: 'Up' }).where('msid', '=', peer).execute();
    // Unused tokens hold their proxy for the VM until they expire; this makes them expire now.
    const expireTokens = () => k().updateTable('console_sessions').set({ expires: Date.now() - 1 }).where('acquired', 'is', null).execute();
    const closed = (ws: ConsoleSocket) => new Promise<void>((r) => (ws.readyState === ws.CLOSED ? r() : ws.once('close', () => r())));

    before(async () => {
      s = await startServer(dialect);
      await s.admin.ok('updateConfiguration', { name: 'consoleproxy.loadscan.interval', value: '200' });
      gz = await guestZone(s, { hosts: 1 });
      owner = await s.newAccount();
      for (const name of ['vm-a', 'vm-b', 'vm-c']) {
        vms[name] = (await owner.jobOk('deployVirtualMachine', { zoneid: gz.zone, templateid: gz.tpl, serviceofferingid: gz.so, name }))['virtualmachine'].id;
      }
    });
    after(async () => {
      gz?.close();
      await s?.close();
    });

    it('lists this server\'s proxy for the zone as a consoleproxy system VM; there are no secondary storage VMs', async () => {
      const p = await until('the load scan registers a proxy in the new zone', ours, 20_000);
      assert.match(p.name, /^v-\d+-VM$/);
      assert.equal(p.systemvmtype, 'consoleproxy');
      assert.equal(p.state, 'Running');
      assert.equal(p.agentstate, 'Up');
      assert.equal(p.zoneid, gz.zone);
      assert.equal(p.zonename, 'gz');
      assert.equal(p.activeviewersessions, 0);
      assert.equal(p.privateip, '127.0.0.1');
      assert.ok(p.created && p.hostname);
      assert.deepEqual(Object.keys(p).filter((f) => !['id', 'name', 'systemvmtype', 'zoneid', 'zonename', 'state', 'agentstate', 'activeviewersessions', 'publicip', 'privateip', 'hostname', 'created'].includes(f)), []);
      assert.equal((await s.admin.ok('listSystemVms', { id: p.id }))['systemvm'][0].name, p.name);
      assert.deepEqual(await s.admin.ok('listSystemVms', { systemvmtype: 'secondarystoragevm' }), {});
      assert.deepEqual(await s.admin.ok('listSystemVms', { hostid: gz.hosts[0]! }), {});
    });

    it('reports its load when a session opens and closes, and the load scan corrects the count', async () => {
      const e = await endpoint('vm-a');
      assert.equal(e.url, `http://127.0.0.1:${s.port}/client/console?token=${encodeURIComponent(e.websocket.token)}`);
      const ws = await openConsoleSocket(wsUrl(e));
      await readFrame(ws);
      await until('one active session reported', async () => (await ours()).activeviewersessions === 1);
      const id = (await k().selectFrom('console_proxies').select(['id', 'last_load_scan']).where('msid', '=', s.app.services.msid).executeTakeFirstOrThrow());
      await k().updateTable('console_proxies').set({ active_sessions: 7 }).where('id', '=', id.id).execute();
      await until('the load scan reports the real count again', async () => {
        const r = await k().selectFrom('console_proxies').select(['active_sessions', 'last_load_scan']).where('id', '=', id.id).executeTakeFirstOrThrow();
        return r.active_sessions === 1 && Number(r.last_load_scan) > Number(id.last_load_scan);
      });
      ws.close();
      await until('no active session reported', async () => (await ours()).activeviewersessions === 0);
    });

    it('keeps a VM with a live session on its proxy; otherwise picks the least-loaded Running proxy with room', async () => {
      const zoneId = gz.zoneId;
      await k().insertInto('management_servers').values({ uuid: peer, msid: peer, name: 'peer', service_ip: '192.0.2.7', version: '0.1.0', state: 'Up', last_seen: Date.now(), started: Date.now(), stopped: null, internal_url: null, internal_key: null }).execute();
      await k().insertInto('console_proxies').values({ uuid: randomUUID(), name: 'v-peer-VM', msid: peer, zone_id: zoneId, state: 'Running', public_url: 'http://192.0.2.7:8080', agent_url: 'ws://192.0.2.7:8250', active_sessions: 0, last_load_scan: Date.now(), created: Date.now(), removed: null }).execute();
      peerProxy = (await k().selectFrom('console_proxies').select('id').where('msid', '=', peer).executeTakeFirstOrThrow()).id;
      const a = await openConsoleSocket(wsUrl(await endpoint('vm-a')));
      await readFrame(a);
      await until('ours reports 1', async () => (await ours()).activeviewersessions === 1);
      await beat();
      assert.match((await endpoint('vm-b')).url, /^http:\/\/192\.0\.2\.7:8080\/client\/console\?token=/, 'the peer (0 sessions) is less loaded than ours (1)');
      assert.match((await endpoint('vm-a')).url, new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/`), 'vm-a keeps the proxy of its live session');
      // The peer reports 3 viewers: ours (1 viewer + vm-a's new pending token) is now the lighter one.
      await k().updateTable('console_proxies').set({ active_sessions: 3 }).where('id', '=', peerProxy).execute();
      await beat();
      assert.match((await endpoint('vm-c')).url, new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/`));
      a.close();
      await closed(a);
    });

    it('answers success=false when every proxy is full, but a VM with a live session keeps its full proxy', async () => {
      await expireTokens();
      const a = await openConsoleSocket(wsUrl(await endpoint('vm-a')));
      await readFrame(a);
      await s.admin.ok('updateConfiguration', { name: 'consoleproxy.session.max', value: '1' });
      try {
        await beat();
        const full = await endpoint('vm-b');
        assert.equal(full.success, false);
        assert.match(full.details, /full.*consoleproxy\.session\.max=1/);
        const kept = await endpoint('vm-a');
        assert.equal(kept.success, true);
        const again = await openConsoleSocket(wsUrl(kept));
        await readFrame(again);
        again.close();
      } finally {
        await s.admin.ok('updateConfiguration', { name: 'consoleproxy.session.max', value: '50' });
      }
      a.close();
      await closed(a);
    });

    it('stopSystemVm ends the proxy\'s sessions and refuses its WebSocket; it is not chosen until startSystemVm; rebootSystemVm ends sessions only', async () => {
      await k().updateTable('console_proxies').set({ state: 'Stopped' }).where('id', '=', peerProxy).execute();
      await expireTokens();
      const p = await ours();
      const viewer = await openConsoleSocket(wsUrl(await endpoint('vm-a')));
      await readFrame(viewer);
      const pending = await endpoint('vm-b');
      const stopped = (await s.admin.jobOk('stopSystemVm', { id: p.id }))['systemvm'];
      assert.equal(stopped.state, 'Stopped');
      assert.equal(stopped.activeviewersessions, 0);
      await closed(viewer);
      assert.equal(await refusal(openConsoleSocket(wsUrl(pending))), 503, 'a stopped proxy refuses its tokens');
      const none = await endpoint('vm-c');
      assert.equal(none.success, false);
      assert.match(none.details, /No console proxy is Running/);
      assert.equal((await s.admin.jobOk('startSystemVm', { id: p.id }))['systemvm'].state, 'Running');
      const back = await openConsoleSocket(wsUrl(await endpoint('vm-c')));
      await readFrame(back);
      const rebooted = (await s.admin.jobOk('rebootSystemVm', { id: p.id }))['systemvm'];
      assert.equal(rebooted.state, 'Running');
      await closed(back);
      const after = await openConsoleSocket(wsUrl(await endpoint('vm-c')));
      await readFrame(after);
      after.close();
      const types = ((await s.admin.ok('listEvents', { pagesize: 500, page: 1 }))['event'] as Array<{ type: string }>).map((e) => e.type);
      for (const t of ['PROXY.STOP', 'PROXY.START', 'PROXY.REBOOT']) assert.ok(types.includes(t), `${t} event`);
    });

    it('stopping the proxy while the host is still dialling back refuses that viewer with 503 and ends its session', async () => {
      const p = await ours();
      const hostid = (await s.admin.ok('listHosts', { zoneid: gz.zone, type: 'Routing' }))['host'][0].id;
      const mock = await s.admin.ok('configureSimulator', { name: 'ConsoleAddress', value: 'wait:1500', hostid });
      try {
        const e = await endpoint('vm-a');
        const opening = refusal(openConsoleSocket(wsUrl(e)));
        const acquired = () => k().selectFrom('console_sessions').select('id').where('acquired', 'is not', null).where('removed', 'is', null).execute();
        await until('the viewer waits for the dial-back', async () => (await acquired()).length === 1);
        await s.admin.jobOk('stopSystemVm', { id: p.id });
        assert.equal(await opening, 503, 'refused once the relay arrives');
        assert.deepEqual(await acquired(), [], 'no session is left open');
      } finally {
        await s.admin.ok('cleanupSimulatorMock', { id: mock['null'].id });
        await s.admin.jobOk('startSystemVm', { id: p.id });
      }
    });

    it('shows a proxy whose management server stopped heartbeating as Stopped, never chooses it and cannot start it', async () => {
      await k().updateTable('console_proxies').set({ state: 'Running', active_sessions: 0 }).where('id', '=', peerProxy).execute();
      await k().updateTable('management_servers').set({ last_seen: Date.now() - 10 * 60_000 }).where('msid', '=', peer).execute();
      await expireTokens();
      // Ours serves a viewer, the dead server's proxy reports none: only the heartbeat tells them apart.
      const viewer = await openConsoleSocket(wsUrl(await endpoint('vm-a')));
      await readFrame(viewer);
      await until('ours reports 1', async () => (await ours()).activeviewersessions === 1);
      const list = (await s.admin.ok('listSystemVms', { zoneid: gz.zone }))['systemvm'] as any[];
      const dead = list.find((p) => p.name === 'v-peer-VM');
      assert.equal(dead.state, 'Stopped');
      assert.equal(dead.agentstate, 'Disconnected');
      assert.deepEqual((await s.admin.ok('listSystemVms', { state: 'Running', zoneid: gz.zone }))['systemvm'].map((p: any) => p.publicip), ['127.0.0.1']);
      assert.match((await endpoint('vm-b')).url, new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/`), 'the dead server\'s idle proxy is not chosen over our busy one');
      const r = await s.admin.job('startSystemVm', { id: dead.id });
      assert.equal(r['jobstatus'], 2);
      assert.match(r['jobresult'].errortext, /down/);
      viewer.close();
    });

    it('is for root administrators only: users get 432', async () => {
      const p = await ours();
      for (const [cmd, params] of [['listSystemVms', {}], ['stopSystemVm', { id: p.id }], ['startSystemVm', { id: p.id }], ['rebootSystemVm', { id: p.id }]] as const) {
        const r = await owner.call(cmd, params);
        assert.equal(r.status, 432, `${cmd}: ${JSON.stringify(r.inner)}`);
      }
      assert.equal((await s.admin.ok('listSystemVms', { id: p.id }))['systemvm'][0].state, 'Running');
    });
  });
}
