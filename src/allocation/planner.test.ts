import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudError } from '../api/errors.js';
import { MiB } from './capacity.js';
import { ALLOCATION_PLUGINS, registerAllocator, STANDARD_FILTERS } from './plugins.js';
import { insufficientCapacity, makeContext, plan } from './planner.js';
import { host, pool, snapshot, vmReq } from './test-fixtures.js';
import type { HostInfo, HostSnapshot, VmRequirements } from './types.js';

const keeps = (name: string, h: HostInfo, req: VmRequirements = vmReq(), snap: HostSnapshot = snapshot([h])) =>
  ALLOCATION_PLUGINS.filters[name]!(h, makeContext(snap, req));
const ids = (snap: HostSnapshot, req: VmRequirements, alg: string) => plan(snap, req, alg).candidates.map((c) => c.host.id);

describe('filters', () => {
  it('host-state: Up + Enabled, pod and cluster enabled, no maintenance', () => {
    assert.equal(keeps('host-state', host(1)), true);
    for (const over of [{ status: 'Down' }, { status: 'Disconnected' }, { resourceState: 'Maintenance' }, { resourceState: 'PrepareForMaintenance' },
      { resourceState: 'Disabled' }, { clusterEnabled: false }, { podEnabled: false }]) assert.equal(keeps('host-state', host(1, over)), false, JSON.stringify(over));
  });
  it('zone and target', () => {
    assert.equal(keeps('zone', host(1, { zoneId: 2 })), false);
    assert.equal(keeps('target', host(1), vmReq({ target: { hostId: 1 } })), true);
    assert.equal(keeps('target', host(1), vmReq({ target: { hostId: 2 } })), false);
    assert.equal(keeps('target', host(1, { clusterId: 3 }), vmReq({ target: { clusterId: 4 } })), false);
    assert.equal(keeps('target', host(1, { podId: 3 }), vmReq({ target: { podId: 3 } })), true);
  });
  it('hypervisor: must match the template; ISOs go anywhere', () => {
    assert.equal(keeps('hypervisor', host(1, { hypervisor: 'KVM' })), false);
    assert.equal(keeps('hypervisor', host(1, { hypervisor: 'KVM' }), vmReq({ hypervisor: 'kvm' })), true);
    assert.equal(keeps('hypervisor', host(1, { hypervisor: 'KVM' }), vmReq({ hypervisor: null })), true);
    assert.equal(keeps('hypervisor', host(1), vmReq({ hypervisor: 'KVM' })), true, 'a simulated host runs any template');
  });
  it('host-tags: the offering\'s host tag', () => {
    assert.equal(keeps('host-tags', host(1)), true);
    assert.equal(keeps('host-tags', host(1), vmReq({ hostTag: 'ssd' })), false);
    assert.equal(keeps('host-tags', host(1, { tags: ['gpu', 'ssd'] }), vmReq({ hostTag: 'ssd' })), true);
  });
  it('avoid: host, cluster and pod', () => {
    const r = vmReq();
    r.avoid.hosts.add(1);
    assert.equal(keeps('avoid', host(1), r), false);
    assert.equal(keeps('avoid', host(2), r), true);
    r.avoid.clusters.add(5);
    assert.equal(keeps('avoid', host(2, { clusterId: 5 }), r), false);
    r.avoid.pods.add(6);
    assert.equal(keeps('avoid', host(3, { podId: 6 }), r), false);
  });
  it('cpu: cores × MHz × factor − allocated', () => {
    // 4 × 1000 = 4000 MHz; 3600 allocated leaves 400 < 500.
    const h = host(1, { cpuAllocated: 3600 });
    assert.equal(keeps('cpu', h), false);
    assert.equal(keeps('cpu', h, vmReq(), snapshot([h], [], { factors: { cpu: 1.5, mem: 1, storage: 1 } })), true); // 6000 − 3600
    assert.equal(keeps('cpu', host(1, { cpuAllocated: 3500 })), true); // exactly 500 left
    assert.equal(keeps('cpu', host(1, { cpuFactor: 2, cpuAllocated: 7000 })), true); // cluster factor
    assert.equal(keeps('cpu', host(1), vmReq({ cpuNumber: 8 })), false); // more cores than the host has
    assert.equal(keeps('cpu', host(1), vmReq({ cpuSpeed: 2000 })), false); // faster cores than the host's
  });
  it('memory: not over-provisioned unless mem.overprovisioning.factor says so', () => {
    const h = host(1, { memoryAllocated: 3700 * MiB }); // 396 MiB left
    assert.equal(keeps('memory', h), false);
    assert.equal(keeps('memory', h, vmReq(), snapshot([h], [], { factors: { cpu: 1, mem: 2, storage: 1 } })), true);
    // The cluster's factors (updateConfiguration clusterid=) ride on the host and win over the global ones.
    assert.equal(keeps('memory', { ...h, memFactor: 2 }), true);
    assert.equal(keeps('memory', { ...h, memFactor: 1 }, vmReq(), snapshot([h], [], { factors: { cpu: 1, mem: 2, storage: 1 } })), false);
    const busy = host(1, { cpuAllocated: 3800 });
    assert.equal(keeps('cpu', busy), false);
    assert.equal(keeps('cpu', { ...busy, cpuFactor: 1.1 }), true); // 4000 × 1.1 − 3800 = 600 ≥ 500
    assert.equal(keeps('cpu', { ...busy, cpuFactor: 1 }, vmReq(), snapshot([busy], [], { factors: { cpu: 3, mem: 1, storage: 1 } })), false);
    assert.equal(keeps('memory', host(1, { memoryAllocated: 3584 * MiB })), true); // exactly 512 left
  });
  it('storage: a reachable pool with the tags and room (× storage.overprovisioning.factor)', () => {
    const h = host(1);
    const req = vmReq({ disks: [{ bytes: 100, tags: [] }] });
    assert.equal(keeps('storage', h, req, snapshot([h], [])), false);
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { clusterId: 2 })])), false); // other cluster
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { clusterId: null, scope: 'ZONE' })])), true);
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { scope: 'HOST', clusterId: null, hostId: 1 })])), true);
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { status: 'Maintenance' })])), false);
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { capacityBytes: 100, allocatedBytes: 50 })])), false);
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { capacityBytes: 100, allocatedBytes: 50 })], { factors: { cpu: 1, mem: 1, storage: 2 } })), true);
    // The pool's own factor (updateConfiguration storageid=) wins over the global one, either way.
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { capacityBytes: 100, allocatedBytes: 50, storageFactor: 1.5 })])), true);
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { capacityBytes: 100, allocatedBytes: 50, storageFactor: 1 })], { factors: { cpu: 1, mem: 1, storage: 2 } })), false);
    const tagged = vmReq({ disks: [{ bytes: 100, tags: ['fast'] }] });
    assert.equal(keeps('storage', h, tagged, snapshot([h], [pool(1)])), false);
    assert.equal(keeps('storage', h, tagged, snapshot([h], [pool(1, { tags: ['fast', 'ssd'] })])), true);
    const r2 = vmReq({ avoid: { hosts: new Set(), clusters: new Set(), pods: new Set(), pools: new Set([1]) } });
    assert.equal(keeps('storage', h, r2, snapshot([h], [pool(1)])), false);
  });
  it('storage: root and data disk may need two pools; room is counted across both disks', () => {
    const h = host(1);
    const req = vmReq({ disks: [{ bytes: 60, tags: [] }, { bytes: 60, tags: [] }] });
    assert.equal(keeps('storage', h, req, snapshot([h], [pool(1, { capacityBytes: 100 })])), false);
    const ctx = makeContext(snapshot([h], [pool(1, { capacityBytes: 100 }), pool(2, { capacityBytes: 100 })]), req);
    assert.deepEqual([...ctx.poolsFor(h)!].sort(), [1, 2]);
  });
});

describe('weighers and presets', () => {
  const three = () => [host(3, { cpuAllocated: 1000 }), host(1, { cpuAllocated: 2000 }), host(2)];
  it('firstfit: host id order', () => assert.deepEqual(ids(snapshot(three()), vmReq(), 'firstfit'), [1, 2, 3]));
  it('vertical packs: the fullest host that fits first', () => assert.deepEqual(ids(snapshot(three()), vmReq(), 'vertical'), [1, 3, 2]));
  it('horizontal spreads: the emptiest host first', () => assert.deepEqual(ids(snapshot(three()), vmReq(), 'horizontal'), [2, 3, 1]));
  it('firstfitleastconsumed', () => assert.deepEqual(ids(snapshot(three()), vmReq(), 'firstfitleastconsumed'), [2, 3, 1]));
  it('random: every host, in some order', () => assert.deepEqual(ids(snapshot(three()), vmReq(), 'random').sort(), [1, 2, 3]));
  it('random varies', () => {
    const hs = Array.from({ length: 20 }, (_, i) => host(i + 1));
    const firsts = new Set(Array.from({ length: 30 }, () => ids(snapshot(hs), vmReq(), 'random')[0]));
    assert.ok(firsts.size > 1);
  });
  it('userdispersing: hosts with fewer of the account\'s VMs first', () => {
    const snap = snapshot([host(1), host(2), host(3)], [pool(1)], { accountVmsByHost: new Map([[1, 3], [2, 1]]) });
    assert.deepEqual(ids(snap, vmReq(), 'userdispersing'), [3, 2, 1]);
  });
  it('userconcentratedpod: the pod with most of the account\'s VMs first', () => {
    const hs = [host(1, { podId: 1 }), host(2, { podId: 2 }), host(3, { podId: 2 })];
    const snap = snapshot(hs, [pool(1, { scope: 'ZONE', clusterId: null })], { accountVmsByHost: new Map([[3, 2], [1, 1]]) });
    assert.deepEqual(ids(snap, vmReq(), 'userconcentratedpod_firstfit'), [2, 3, 1]);
    assert.deepEqual(ids(snap, vmReq(), 'userconcentratedpod_random').slice(2), [1]);
  });
  it('OS preference: matching hosts first, the others still qualify', () => {
    const hs = [host(1, { osCategoryId: 5 }), host(2, { osCategoryId: 7 }), host(3)];
    assert.deepEqual(ids(snapshot(hs), vmReq({ osCategoryId: 7 }), 'firstfit'), [2, 1, 3]);
    assert.deepEqual(ids(snapshot(hs), vmReq({ osCategoryId: null }), 'firstfit'), [1, 2, 3]);
  });
  it('every CloudStack preset and the seed\'s two policies exist', () => {
    for (const p of ['random', 'firstfit', 'userdispersing', 'userconcentratedpod_random', 'userconcentratedpod_firstfit', 'firstfitleastconsumed', 'vertical', 'horizontal']) {
      assert.ok(ALLOCATION_PLUGINS.presets[p], p);
    }
  });
  it('an unknown algorithm falls back to random', () => assert.equal(ids(snapshot(three()), vmReq(), 'nope').length, 3));
  it('each candidate comes with its pools; hosts stay close to their disk', () => {
    const hs = [host(1, { clusterId: 1 }), host(2, { clusterId: 2 })];
    const p = plan(snapshot(hs, [pool(9, { clusterId: 2 })]), vmReq(), 'firstfit');
    assert.deepEqual(p.candidates.map((c) => [c.host.id, c.pools]), [[2, [9]]]);
  });
});

describe('the tally and the 533', () => {
  it('counts how many hosts each filter removed and quotes it', () => {
    const hs = [host(1, { status: 'Down' }), host(2, { cpuAllocated: 4000 }), host(3, { cpuAllocated: 4000 }), host(4, { hypervisor: 'KVM' })];
    const p = plan(snapshot(hs), vmReq(), 'firstfit');
    assert.equal(p.candidates.length, 0);
    assert.equal(p.removed['host-state'], 1);
    assert.equal(p.removed['cpu'], 2);
    assert.equal(p.removed['hypervisor'], 1);
    const e = insufficientCapacity('i-2-3-VM', p, 1);
    assert.ok(e instanceof CloudError && e.kind === 'InsufficientCapacity');
    assert.match(e.message, /4 host\(s\) considered; removed by filter: host-state 1, hypervisor 1, cpu 2/);
  });
});

describe('custom allocators', () => {
  it('registers a policy by name without touching the planner, and unregisters it', () => {
    const off = registerAllocator('even-only', {
      filters: { 'even-id': (h) => h.id % 2 === 0 },
      weighers: { 'highest-id': (h) => -h.id },
      preset: { filters: [...STANDARD_FILTERS, 'even-id'], weighers: ['highest-id'] },
    });
    try {
      const p = plan(snapshot([host(1), host(2), host(3), host(4)]), vmReq(), 'even-only');
      assert.deepEqual(p.candidates.map((c) => c.host.id), [4, 2]);
      assert.equal(p.removed['even-id'], 2);
      assert.throws(() => registerAllocator('even-only', { preset: { filters: [], weighers: [] } }), /already registered/);
    } finally {
      off();
    }
    assert.equal(ALLOCATION_PLUGINS.presets['even-only'], undefined);
    assert.throws(() => registerAllocator('bad', { preset: { filters: ['nope'], weighers: [] } }), /unknown allocator plug-in nope/);
  });
});

describe('existing disks', () => {
  it('a disk already on a pool pins the host to hosts reaching that pool', () => {
    const hs = [host(1, { clusterId: 1 }), host(2, { clusterId: 2 })];
    const snap = snapshot(hs, [pool(1, { clusterId: 1, capacityBytes: 0 }), pool(2, { clusterId: 2 })]);
    const p = plan(snap, vmReq({ disks: [{ bytes: 1e9, tags: [], poolId: 1 }] }), 'firstfit');
    assert.deepEqual(p.candidates.map((c) => [c.host.id, c.pools]), [[1, [1]]]);
  });
});
