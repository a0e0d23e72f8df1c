/**
 * The VM console end to end (issues #8, #11): createConsoleEndpoint issues a one-time token to
 * the VM's owner or an admin, and an RFB viewer on the management server's WebSocket reaches the
 * simulator's VNC server on the VM's host through the real `nimbo agent` child's dial-back relay,
 * receiving the test pattern. Tokens: required, single-use, expiring, per VM and per account.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer, type ApiClient } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';
import { openConsoleSocket, readFrame } from '../helpers/rfb-client.js';
import { PATTERN_HEIGHT, PATTERN_WIDTH, patternPixel } from '../../src/drivers/simulator/rfb-server.js';

for (const dialect of dialectsUnderTest()) {
  describe(`VM console proxy (${dialect})`, () => {
    let s: TestServer;
    let gz: GuestZone;
    let owner: ApiClient;
    let other: ApiClient;
    const vms: Record<string, { id: string; instancename: string }> = {};

    const wsUrl = (endpoint: Record<string, any>) => `ws://127.0.0.1:${s.port}${endpoint['websocket'].path}?token=${encodeURIComponent(endpoint['websocket'].token)}`;
    const refusal = (p: Promise<unknown>) => p.then(() => 0, (e: { status?: number }) => e.status ?? -1);

    before(async () => {
      s = await startServer(dialect);
      gz = await guestZone(s, { hosts: 1 });
      owner = await s.newAccount();
      other = await s.newAccount();
      for (const [who, name] of [[owner, 'vm-a'], [owner, 'vm-b'], [other, 'vm-c']] as const) {
        const vm = (await who.jobOk('deployVirtualMachine', { zoneid: gz.zone, templateid: gz.tpl, serviceofferingid: gz.so, name }))['virtualmachine'];
        const full = (await s.admin.ok('listVirtualMachines', { id: vm.id }))['virtualmachine'][0];
        vms[name] = { id: vm.id, instancename: full.instancename };
      }
    });
    after(async () => {
      gz?.close();
      await s?.close();
    });

    it('the owner\'s token opens the VM\'s own display through the proxy: RFB 3.8, the test pattern, once', async () => {
      const e = (await owner.ok('createConsoleEndpoint', { virtualmachineid: vms['vm-a']!.id }))['consoleendpoint'];
      assert.equal(e.success, true);
      assert.equal(e.websocket.path, '/client/console/websocket');
      assert.equal(e.url, `http://127.0.0.1:${s.port}/client/console?token=${encodeURIComponent(e.websocket.token)}`, 'the console page on the proxy\'s server');
      assert.equal(e.websocket.host, `127.0.0.1:${s.port}`);
      const ws = await openConsoleSocket(wsUrl(e));
      const frame = await readFrame(ws);
      assert.equal(frame.name, vms['vm-a']!.instancename, 'the token opened the VM it was issued for');
      assert.deepEqual([frame.width, frame.height], [PATTERN_WIDTH, PATTERN_HEIGHT]);
      for (const [x, y] of [[0, 0], [50, 10], [150, 100], [319, 149], [10, 180], [300, 199]] as const) {
        assert.deepEqual(frame.pixel(x, y), patternPixel(x, y), `pixel ${x},${y}`);
      }
      const row = await s.app.db.kysely.selectFrom('console_sessions').selectAll().where('acquired', 'is not', null).executeTakeFirstOrThrow();
      assert.equal(row.removed, null, 'the session is open while the viewer is connected');
      assert.equal(row.msid, s.app.services.msid);
      assert.equal(await refusal(openConsoleSocket(wsUrl(e))), 401, 'a token opens one session only');
      ws.close();
      await until('the session ends when the viewer leaves', async () =>
        (await s.app.db.kysely.selectFrom('console_sessions').select('removed').where('id', '=', row.id).executeTakeFirstOrThrow()).removed !== null);
    });

    it('no token, a made-up token or an expired one is refused before any WebSocket opens', async () => {
      const base = `ws://127.0.0.1:${s.port}/client/console/websocket`;
      assert.equal(await refusal(openConsoleSocket(base)), 401);
      assert.equal(await refusal(openConsoleSocket(`${base}?token=not-a-token`)), 401);
      await s.admin.ok('updateConfiguration', { name: 'consoleproxy.token.timeout', value: '1' });
      try {
        const e = (await owner.ok('createConsoleEndpoint', { virtualmachineid: vms['vm-b']!.id }))['consoleendpoint'];
        const latest = await s.app.db.kysely.selectFrom('console_sessions').select('expires').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
        await until('the token expires', async () => Date.now() > Number(latest.expires));
        assert.equal(await refusal(openConsoleSocket(wsUrl(e))), 401);
      } finally {
        await s.admin.ok('updateConfiguration', { name: 'consoleproxy.token.timeout', value: '60000' });
      }
    });

    it('another account\'s VM is refused; an admin may open any VM; a stopped VM has no console', async () => {
      const r = await other.call('createConsoleEndpoint', { virtualmachineid: vms['vm-a']!.id });
      assert.equal(r.status, 531, JSON.stringify(r.inner));
      assert.equal(r.inner['errorcode'], 531);
      const e = (await s.admin.ok('createConsoleEndpoint', { virtualmachineid: vms['vm-c']!.id }))['consoleendpoint'];
      const ws = await openConsoleSocket(wsUrl(e));
      assert.equal((await readFrame(ws)).name, vms['vm-c']!.instancename);
      ws.close();
      await other.jobOk('stopVirtualMachine', { id: vms['vm-c']!.id });
      const stopped = (await other.ok('createConsoleEndpoint', { virtualmachineid: vms['vm-c']!.id }))['consoleendpoint'];
      assert.equal(stopped.success, false);
      assert.match(stopped.details, /Stopped/);
      assert.equal(stopped.websocket, undefined);
    });

    it('a token whose VM stopped after it was issued is refused (503), and the host closed its VNC server', async () => {
      const e = (await owner.ok('createConsoleEndpoint', { virtualmachineid: vms['vm-b']!.id }))['consoleendpoint'];
      await owner.jobOk('stopVirtualMachine', { id: vms['vm-b']!.id });
      assert.equal(await refusal(openConsoleSocket(wsUrl(e))), 503);
    });
  });
}
