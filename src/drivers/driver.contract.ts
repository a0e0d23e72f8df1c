/**
 * The contract every HypervisorDriver must pass (STYLE §8): one suite, run against each
 * driver by its own `*.test.ts` with a factory for fresh instances.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { HypervisorDriver, StartSpec } from './driver.js';

export interface ContractEnv {
  /** A fresh driver for one host. */
  make(): Promise<HypervisorDriver>;
  /** A pool path (the simulator keeps its disks in memory, a real driver writes here). */
  poolPath: string;
  /** A second pool path, for migrations. */
  otherPoolPath: string;
  /** A writable directory for copies (extraction to secondary storage). */
  scratchDir: string;
  /** Why router VMs are not this driver's to run (they live elsewhere on such hosts), if so. */
  noRouters?: string;
}

const spec = (name: string): StartSpec => ({ instanceName: name, cpus: 1, cpuSpeed: 500, memoryMiB: 128, disks: [] });

export function driverContract(label: string, env: ContractEnv): void {
  describe(`HypervisorDriver contract: ${label}`, () => {
    it('hostInfo reports positive capacity and a hypervisor type', async () => {
      const h = await (await env.make()).hostInfo();
      assert.ok(h.cpus > 0 && h.cpuSpeed > 0 && h.memory > 0 && h.cpuSockets > 0);
      assert.ok(h.hypervisorType.length > 0 && h.name.length > 0);
    });

    it('start → running in vmStates; start again is a no-op; stop → stopped; stop again succeeds', async () => {
      const d = await env.make();
      await d.startVm(spec('i-2-1-VM'));
      await d.startVm(spec('i-2-1-VM'));
      assert.deepEqual(await d.vmStates(), [{ instanceName: 'i-2-1-VM', state: 'Running' }]);
      await d.stopVm('i-2-1-VM', false);
      await d.stopVm('i-2-1-VM', true);
      assert.deepEqual(await d.vmStates(), [{ instanceName: 'i-2-1-VM', state: 'Stopped' }]);
      await d.stopVm('i-unknown', false);
    });

    it('reboot needs a running VM; destroy is idempotent and forgets the VM', async () => {
      const d = await env.make();
      await assert.rejects(d.rebootVm('i-2-2-VM'));
      await d.startVm(spec('i-2-2-VM'));
      await d.rebootVm('i-2-2-VM');
      await d.destroyVm('i-2-2-VM');
      await d.destroyVm('i-2-2-VM');
      assert.deepEqual(await d.vmStates(), []);
    });

    it('migrate out of one host and into another moves the VM', async () => {
      const a = await env.make();
      const b = await env.make();
      await d0(a);
      const moving = await a.migrateOut('i-2-3-VM');
      await b.migrateIn(moving);
      assert.deepEqual(await a.vmStates(), []);
      assert.deepEqual(await b.vmStates(), [{ instanceName: 'i-2-3-VM', state: 'Running' }]);
      await assert.rejects(a.migrateOut('i-2-3-VM'));
    });

    it('live migration: the destination listens, the source sends, the guest runs on; a failed one leaves the source running', async () => {
      const a = await env.make();
      const b = await env.make();
      await a.startVm(spec('i-2-4-VM'));
      const vm = await a.vmSpec!('i-2-4-VM');
      const target = await b.prepareMigrateIn!(vm);
      assert.deepEqual(await b.vmStates(), [], 'a copy still receiving is not reported as a VM');
      // The server asks the destination to take the guest while its memory is on the way.
      const arriving = b.migrateIn(vm, true);
      const sent: number[] = [];
      await a.migrateOut('i-2-4-VM', target, (p) => sent.push(p));
      await arriving;
      assert.equal(sent.at(-1), 100, `progress ends at 100: ${sent.join(',')}`);
      assert.ok(sent.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p > sent[i - 1]!)), `progress only grows: ${sent.join(',')}`);
      assert.deepEqual(await a.vmStates(), []);
      assert.deepEqual(await b.vmStates(), [{ instanceName: 'i-2-4-VM', state: 'Running' }]);
      // Nobody listens on the target: the source keeps the guest.
      const dead = await a.prepareMigrateIn!(vm);
      const waiting = assert.rejects(a.migrateIn(vm, true), 'the abort ends the wait of a live receive');
      await a.abortMigrateIn!('i-2-4-VM');
      await waiting;
      await assert.rejects(b.migrateOut('i-2-4-VM', dead));
      // A prepared copy given up before any receive goes at once (its waiting connection with it).
      await a.prepareMigrateIn!(vm);
      const t0 = Date.now();
      await a.abortMigrateIn!('i-2-4-VM');
      assert.ok(Date.now() - t0 < 3_000, `abort took ${Date.now() - t0} ms`);
      assert.deepEqual(await a.vmStates(), []);
      // A live receive without its incoming copy never boots one of its own.
      await assert.rejects(a.migrateIn(vm, true));
      assert.deepEqual(await b.vmStates(), [{ instanceName: 'i-2-4-VM', state: 'Running' }]);
      assert.deepEqual(await a.vmStates(), []);
      await b.destroyVm('i-2-4-VM');
    });

    it('volumes: blank and thin clone land in the pool; attach/detach; delete is idempotent', async () => {
      const d = await env.make();
      const blank = await d.createVolume({ volumeUuid: 'v-blank', poolPath: env.poolPath, size: 1024 ** 2 });
      assert.ok(blank.path.startsWith(env.poolPath));
      assert.equal(blank.size, 1024 ** 2);
      await d0(d);
      await d.attachVolume('i-2-3-VM', { uuid: 'v-blank', path: blank.path, type: 'DATADISK', deviceId: 1 });
      await d.detachVolume('i-2-3-VM', 'v-blank');
      await d.detachVolume('i-2-3-VM', 'v-blank');
      await assert.rejects(d.attachVolume('i-nope', { uuid: 'x', path: null, type: 'DATADISK', deviceId: 1 }));
      const snap = await d.snapshot({ volumeUuid: 'v-blank', path: blank.path, snapshotUuid: 's1' });
      assert.ok(snap.path.length > 0);
      await d.deleteVolume('v-blank', blank.path);
      await d.deleteVolume('v-blank', blank.path);
    });

    it('volumes: resize (offline and online), migrate (cold and live), copy out, stats say what storage holds', async () => {
      const d = await env.make();
      const v = await d.createVolume({ volumeUuid: 'v-life', poolPath: env.poolPath, size: 1024 ** 2 });
      assert.deepEqual((await d.volumeStats(['v-life'])).map((x) => [x.uuid, x.path, x.size]), [['v-life', v.path, 1024 ** 2]]);
      assert.equal((await d.resizeVolume({ volumeUuid: 'v-life', path: v.path, size: 2 * 1024 ** 2 })).size, 2 * 1024 ** 2);
      await assert.rejects(d.resizeVolume({ volumeUuid: 'v-none', path: `${env.poolPath}/v-none`, size: 1 }));
      const moved = await d.migrateVolume({ volumeUuid: 'v-life', path: v.path, destPoolPath: env.otherPoolPath });
      assert.ok(moved.path.startsWith(env.otherPoolPath));
      assert.equal(moved.size, 2 * 1024 ** 2);
      await d.deleteVolume('v-life', v.path);
      assert.deepEqual((await d.volumeStats(['v-life'])).map((x) => x.path), [moved.path]);
      await d0(d);
      await d.attachVolume('i-2-3-VM', { uuid: 'v-life', path: moved.path, type: 'DATADISK', deviceId: 1 });
      assert.equal((await d.volumeStats(['v-life']))[0]!.instanceName, 'i-2-3-VM');
      await d.resizeVolume({ volumeUuid: 'v-life', path: moved.path, size: 3 * 1024 ** 2, instanceName: 'i-2-3-VM' });
      const live = await d.migrateVolume({ volumeUuid: 'v-life', path: moved.path, destPoolPath: env.poolPath, instanceName: 'i-2-3-VM' });
      assert.equal(live.size, 3 * 1024 ** 2);
      const copy = await d.copyVolume({ volumeUuid: 'v-life', path: live.path, destPath: `${env.scratchDir}/volumes/v-life.img` });
      assert.ok(copy.size > 0 && copy.path === `${env.scratchDir}/volumes/v-life.img`);
      await d.deleteVolume('v-life', moved.path);
      await d.deleteVolume('v-life', live.path);
      assert.deepEqual(await d.volumeStats(['v-life']), []);
    });

    it('snapshots: backed up whole then incrementally; a chain restores; a deleted link breaks it', async () => {
      const a = await env.make();
      const b = await env.make();
      const vol = await a.createVolume({ volumeUuid: 'v-snap', poolPath: env.poolPath, size: 1024 ** 3 });
      const store = { storeUrl: `file://${env.scratchDir}/secondary`, installDir: 'snapshots/2/7' };
      const s1 = await a.snapshot({ volumeUuid: 'v-snap', path: vol.path, snapshotUuid: 's1' });
      const b1 = await a.backupSnapshot({ snapshotUuid: 's1', primaryPath: s1.path, parentPath: null, ...store });
      await a.deleteSnapshot(s1.path);
      const s2 = await a.snapshot({ volumeUuid: 'v-snap', path: vol.path, snapshotUuid: 's2' });
      // Shared storage: another host of the cluster backs up and restores the same disk.
      const b2 = await b.backupSnapshot({ snapshotUuid: 's2', primaryPath: s2.path, parentPath: b1.path, ...store });
      await b.deleteSnapshot(s2.path);
      assert.ok(b1.physicalSize > 0 && b2.physicalSize > 0);
      const restored = await b.createVolumeFromSnapshot({ volumeUuid: 'v-restored', poolPath: env.poolPath, size: 1024 ** 3, chain: [b1.path, b2.path] });
      assert.ok(restored.path.startsWith(env.poolPath));
      const tpl = await a.createTemplate({ templateUuid: 't1', storeUrl: store.storeUrl, installDir: 'template/tmpl/2/9', chain: [b1.path, b2.path], size: 1024 ** 3 });
      assert.equal(tpl.size, 1024 ** 3);
      assert.ok(tpl.physicalSize >= b2.physicalSize);
      await a.deleteSnapshot(b1.path);
      await a.deleteSnapshot(b1.path);
      await assert.rejects(b.createVolumeFromSnapshot({ volumeUuid: 'v-broken', poolPath: env.poolPath, size: 1024 ** 3, chain: [b1.path, b2.path] }));
      await assert.rejects(a.createTemplate({ templateUuid: 't2', storeUrl: store.storeUrl, installDir: 'template/tmpl/2/9', size: 1 }));
    });

    it('ISO attach and detach need a known VM', async () => {
      const d = await env.make();
      const iso = `${env.scratchDir}/x.iso`;
      await mkdir(env.scratchDir, { recursive: true });
      await writeFile(iso, Buffer.alloc(64 * 1024));
      await assert.rejects(d.attachIso('i-nope', iso));
      await d0(d);
      await d.attachIso('i-2-3-VM', iso);
      await d.attachIso('i-2-3-VM', null);
    });

    it('security-group rule sets: applied per VM, older versions ignored, dropped with the VM', async () => {
      const d = await env.make();
      const set = (version: number, port: number) => ({
        instanceName: 'i-2-3-VM', vmUuid: 'u-3', ip: '10.1.1.5', mac: '02:00:00:00:00:03', version, egressDefaultAllow: true, egress: [],
        ingress: [{ protocol: 'tcp', startPort: port, endPort: port, icmpType: null, icmpCode: null, cidrs: ['0.0.0.0/0'] }],
      });
      // Rules may arrive before the VM runs (they are pushed before StartVm answers).
      assert.deepEqual(await d.applySecurityGroupRules(set(2, 22)), { version: 2 });
      await d0(d);
      assert.deepEqual(await d.applySecurityGroupRules(set(1, 80)), { version: 2 }, 'a stale set is ignored');
      assert.deepEqual((await d.securityGroupRules('i-2-3-VM'))[0]!.ingress[0]!.startPort, 22);
      assert.deepEqual(await d.applySecurityGroupRules(set(3, 443)), { version: 3 });
      assert.deepEqual((await d.securityGroupRules()).map((r) => [r.instanceName, r.version, r.ingress[0]!.startPort]), [['i-2-3-VM', 3, 443]]);
      assert.deepEqual(await d.securityGroupRules('i-nope'), []);
      await d.destroyVm('i-2-3-VM');
      assert.deepEqual(await d.securityGroupRules(), []);
    });

    it('router config: applied to a running VM, idempotent (same version, unchanged), refused when not running', { skip: env.noRouters ?? false }, async () => {
      const d = await env.make();
      // A document in the renderer's shape (network/router/document.ts): a real router parses it.
      const doc = { network: { id: 'n1', cidr: '10.1.1.0/24', gateway: '10.1.1.1' }, portForwards: [{ id: 'pf', publicIp: '203.0.113.5', protocol: 'tcp', publicPorts: [80, 80], privateIp: '10.1.1.2', privatePorts: [80, 80], cidrs: [] }], dhcp: [] };
      await assert.rejects(d.applyRouterConfig('r-1-VM', doc));
      await d.startVm({ ...spec('r-1-VM'), nics: [{ uuid: 'n', deviceId: 0, mac: '02:00:00:00:00:01', ip: '10.1.1.1', netmask: '255.255.255.0', gateway: null, isDefault: true, trafficType: 'Guest', broadcastUri: 'vlan://100' }] });
      const a = await d.applyRouterConfig('r-1-VM', doc);
      assert.equal(a.changed, true);
      assert.match(a.version, /^[0-9a-f]{64}$/);
      const b = await d.applyRouterConfig('r-1-VM', { dhcp: [], portForwards: [{ cidrs: [], privatePorts: [80, 80], privateIp: '10.1.1.2', publicPorts: [80, 80], protocol: 'tcp', publicIp: '203.0.113.5', id: 'pf' }], network: { gateway: '10.1.1.1', cidr: '10.1.1.0/24', id: 'n1' } });
      assert.deepEqual(b, { version: a.version, changed: false });
      const c = await d.applyRouterConfig('r-1-VM', { ...doc, dhcp: [{ ip: '10.1.1.3', mac: '02:00:00:00:00:03', hostName: 'vm3', default: true }] });
      assert.equal(c.changed, true);
      assert.notEqual(c.version, a.version);
      await d.stopVm('r-1-VM', true);
      await assert.rejects(d.applyRouterConfig('r-1-VM', doc));
    });

    it('console: a running VM has a VNC server on loopback that greets with RFB 3.x; none for unknown or stopped VMs', async (t) => {
      const d = await env.make();
      if (!d.consoleAddress) return void t.skip('this driver does not implement consoleAddress yet');
      await assert.rejects(d.consoleAddress('i-2-9-VM'));
      await d.startVm(spec('i-2-9-VM'));
      const a = await d.consoleAddress('i-2-9-VM');
      assert.equal(a.host, '127.0.0.1');
      assert.match(await rfbGreeting(a.host, a.port), /^RFB 003\.00\d\n$/);
      assert.deepEqual(await d.consoleAddress('i-2-9-VM'), a);
      await d.stopVm('i-2-9-VM', true);
      await assert.rejects(d.consoleAddress('i-2-9-VM'));
      await d.destroyVm('i-2-9-VM');
    });

    it('vmStats covers running VMs and skips unknown names', async () => {
      const d = await env.make();
      await d0(d);
      const s = await d.vmStats();
      assert.equal(s.length, 1);
      assert.equal(s[0]!.instanceName, 'i-2-3-VM');
      assert.deepEqual(await d.vmStats(['i-nope']), []);
    });
  });
}

async function d0(d: HypervisorDriver): Promise<void> {
  await d.startVm(spec('i-2-3-VM'));
}

/** The first 12 bytes a VNC server sends: its protocol version. */
function rfbGreeting(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let got = Buffer.alloc(0);
    sock.setTimeout(10_000, () => sock.destroy(new Error('no RFB greeting within 10 s')));
    sock.on('error', reject);
    sock.on('data', (c) => {
      got = Buffer.concat([got, c]);
      if (got.length >= 12) {
        sock.destroy();
        resolve(got.subarray(0, 12).toString('latin1'));
      }
    });
  });
}
