/**
 * withNamespaceRouters (what `nimbo agent --driver qemu` runs): a router VM's StartVm builds
 * its namespace, ApplyRouterConfig applies the rendered document there, reboot rebuilds it
 * with the last document, stop removes it; any other VM goes to the wrapped driver (here the
 * simulator, standing in for QEMU). Root only; skipped with the reason otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatorDriver } from '../../src/drivers/simulator/simulator-driver.js';
import type { HypervisorDriver } from '../../src/drivers/driver.js';
import { exec } from '../../src/network/linux/exec.js';
import { LinuxRouters } from '../../src/network/linux/linux-router.js';
import { withNamespaceRouters } from '../../src/network/linux/router-driver.js';
import { renderRouterDocument } from '../../src/network/router/document.js';
import { netnsUnavailable } from '../helpers/netns-lab.js';
import { baseState, routerLab, routerStartNics, type RouterLab } from '../helpers/router-lab.js';

const skip = await netnsUnavailable(['nft', 'dnsmasq', 'haproxy', 'tc']);
const R = 'r-12-VM';
const spec = (instanceName: string, nics = routerStartNics('vlan://612')) => ({ instanceName, cpus: 1, cpuSpeed: 500, memoryMiB: 256, disks: [], nics });

describe('a driver with namespace routers', { skip: skip ?? false, timeout: 180_000 }, () => {
  let L: RouterLab;
  let inner: SimulatorDriver;
  let d: HypervisorDriver;

  before(async () => {
    L = await routerLab();
    inner = new SimulatorDriver({ name: `sim-vrouter-${L.lab.id}` });
    d = withNamespaceRouters(inner, L.routers);
  });
  after(async () => {
    await L?.cleanup();
  });

  it('starts a router as a namespace and applies its document; the same document again is unchanged', async () => {
    await assert.rejects(d.applyRouterConfig(R, renderRouterDocument(baseState())), /not running/);
    await d.startVm(spec(R));
    assert.equal(L.routers.running(R), true);
    assert.deepEqual(inner.query(R).vms, [], 'the wrapped driver never saw the router');
    const a = await d.applyRouterConfig(R, renderRouterDocument(baseState()));
    assert.equal(a.changed, true);
    assert.match(a.version, /^[0-9a-f]{64}$/);
    assert.deepEqual(await d.applyRouterConfig(R, renderRouterDocument(baseState())), { version: a.version, changed: false });
    assert.ok((await d.vmStates()).some((v) => v.instanceName === R && v.state === 'Running'));
  });

  it('sends every other VM to the wrapped driver', async () => {
    await d.startVm(spec('i-2-40-VM', []));
    assert.equal(inner.query('i-2-40-VM').vms[0]?.state, 'Running');
    assert.deepEqual((await d.vmStates()).map((v) => v.instanceName).sort(), ['i-2-40-VM', R]);
    await d.destroyVm('i-2-40-VM');
    assert.deepEqual(inner.query('i-2-40-VM').vms, []);
  });

  it('reboot rebuilds the namespace and runs the last document again', async () => {
    const dir = join(L.stateDir, R);
    const before = readFileSync(join(dir, 'dns', 'dnsmasq.pid'), 'utf8');
    await d.rebootVm(R);
    assert.notEqual(readFileSync(join(dir, 'dns', 'dnsmasq.pid'), 'utf8'), before, 'a new dnsmasq');
    const ns = L.routers.record(R)!.names.netns;
    assert.match((await exec('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'ip', 'nimbo'])).stdout, /snat to 203\.0\.113\.10/);
    assert.equal((await d.applyRouterConfig(R, renderRouterDocument(baseState()))).changed, false, 'already in force after the reboot');
    await assert.rejects(d.migrateOut(R), /does not migrate/);
  });

  it('an agent restarted on the same state directory re-adopts the router: running, the same document changes nothing', async () => {
    const again = withNamespaceRouters(new SimulatorDriver({ name: `sim-vrouter-2-${L.lab.id}` }), new LinuxRouters({ stateDir: L.stateDir, hostNetns: L.host }));
    assert.ok((await again.vmStates()).some((v) => v.instanceName === R && v.state === 'Running'));
    assert.equal((await again.applyRouterConfig(R, renderRouterDocument(baseState()))).changed, false);
    const s = baseState();
    s.throttleMbps = 10;
    assert.equal((await again.applyRouterConfig(R, renderRouterDocument(s))).changed, true);
  });

  it('stop removes the router; its state is no longer reported', async () => {
    const ns = L.routers.record(R)!.names.netns;
    await d.stopVm(R, false);
    assert.equal(existsSync(`/run/netns/${ns}`), false);
    assert.equal((await d.vmStates()).some((v) => v.instanceName === R), false);
    await d.destroyVm(R);
  });
});
