/**
 * Consoles across a management server farm (issues #11, #12): the host's agent is connected to
 * server A, the console session is assigned to server B's proxy (A's is stopped), the viewer
 * connects to B, B's OpenConsole travels to A over the signed `/internal/agent-command` and the
 * agent dials back to B's agent port: the RFB handshake and the first framebuffer update arrive
 * through B. Stopping B's proxy through A closes B's viewer (signed `/internal/console-proxy-close`).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { PATTERN_HEIGHT, PATTERN_WIDTH, patternPixel } from '../../src/drivers/simulator/rfb-server.js';
import { dialectsUnderTest } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { guestZone, until, type GuestZone } from '../helpers/guest-zone.js';
import { openConsoleSocket, readFrame } from '../helpers/rfb-client.js';

const FAST = { farmHeartbeatMs: '200', farmDownAfterMs: '3000' };

for (const dialect of dialectsUnderTest().filter((d) => d !== 'sqlite')) {
  describe(`VM consoles across a farm (${dialect})`, () => {
    let a: TestServer;
    let b: App | undefined;
    let gz: GuestZone | undefined;
    const dirs: string[] = [];
    after(async () => {
      gz?.close();
      await b?.close();
      await a?.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('a viewer on server B sees the display of a VM whose host is connected to server A', async () => {
      a = await startServer(dialect, { options: FAST });
      gz = await guestZone(a, { hosts: 1 });
      const owner = await a.newAccount();
      const vm = (await owner.jobOk('deployVirtualMachine', { zoneid: gz.zone, templateid: gz.tpl, serviceofferingid: gz.so, name: 'farm-vm' }))['virtualmachine'];
      const dir = mkdtempSync(join(tmpdir(), 'nimbo-farm-b-'));
      dirs.push(dir);
      b = await createApp({ dataDir: dir, dbUrl: a.db.url, port: 0, host: '127.0.0.1', logLevel: false, options: { agentPort: '0', agentHost: '127.0.0.1', demoZone: 'false', ...FAST } });
      const bPort = (await b.listen()).port;
      const k = a.app.db.kysely;
      const row = await k.selectFrom('vm_instances').select(['instance_name', 'host_id']).where('uuid', '=', vm.id).executeTakeFirstOrThrow();
      const host = await k.selectFrom('hosts').select('mgmt_server_id').where('id', '=', row.host_id!).executeTakeFirstOrThrow();
      assert.equal(host.mgmt_server_id, a.app.services.msid, 'the agent is connected to server A');

      // Both servers have a proxy in the zone; A's is stopped, so the session goes to B's.
      const proxies = await until('both servers registered a proxy in the zone', async () => {
        const l = (await a.admin.ok('listSystemVms', { zoneid: gz!.zone }))['systemvm'] as any[] | undefined;
        return l?.length === 2 && l;
      }, 20_000);
      const aUuid = (await k.selectFrom('console_proxies').select('uuid').where('msid', '=', a.app.services.msid).executeTakeFirstOrThrow()).uuid;
      const onA = proxies.find((p) => p.id === aUuid)!;
      const onB = proxies.find((p) => p.id !== aUuid)!;
      assert.equal((await a.admin.jobOk('stopSystemVm', { id: onA.id }))['systemvm'].state, 'Stopped');
      const e = (await owner.ok('createConsoleEndpoint', { virtualmachineid: vm.id }))['consoleendpoint'];
      assert.equal(e.success, true, JSON.stringify(e));
      assert.equal(e.websocket.host, `127.0.0.1:${bPort}`, 'the URL points at server B, whose proxy was chosen');
      assert.equal(e.url, `http://127.0.0.1:${bPort}/client/console?token=${encodeURIComponent(e.websocket.token)}`);

      const ws = await openConsoleSocket(`ws://${e.websocket.host}${e.websocket.path}?token=${encodeURIComponent(e.websocket.token)}`);
      const frame = await readFrame(ws);
      assert.equal(frame.name, row.instance_name, 'the RFB handshake names the VM');
      assert.deepEqual([frame.width, frame.height], [PATTERN_WIDTH, PATTERN_HEIGHT]);
      for (const [x, y] of [[0, 0], [150, 100], [300, 199]] as const) assert.deepEqual(frame.pixel(x, y), patternPixel(x, y), `pixel ${x},${y}`);
      const session = await k.selectFrom('console_sessions').select(['msid', 'removed']).where('acquired', 'is not', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(session.msid, b.services.msid, 'server B serves the viewer');
      await until('B\'s proxy reports the viewer', async () => (await a.admin.ok('listSystemVms', { id: onB.id }))['systemvm'][0].activeviewersessions === 1);

      // Stopping B's proxy through A's API closes the viewer on B.
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      assert.equal((await a.admin.jobOk('stopSystemVm', { id: onB.id }))['systemvm'].state, 'Stopped');
      await closed;
      assert.equal((await a.admin.ok('listSystemVms', { id: onB.id }))['systemvm'][0].activeviewersessions, 0);
    });
  });
}

