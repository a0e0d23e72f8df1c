import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatorDriver } from '../drivers/simulator/simulator-driver.js';
import { CLAIM_DIR, ClaimLedger, readClaim, stageClaim, writeClaim } from './claims.js';
import { SelfFence } from './self-fence.js';
import { dispatch } from './dispatch.js';

const A = '3f2a8c1e-0000-4000-8000-00000000000a';
const B = '3f2a8c1e-0000-4000-8000-00000000000b';
const VM = 'i-2-7-VM';
const spec = { instanceName: VM, cpus: 1, cpuSpeed: 500, memoryMiB: 64, disks: [] };

describe('VM claims on shared primary storage and self-fencing', () => {
  it('claims are ordered by generation over every readable pool, whatever the clocks say', async () => {
    const p1 = mkdtempSync(join(tmpdir(), 'nimbo-claim-'));
    const p2 = mkdtempSync(join(tmpdir(), 'nimbo-claim-'));
    try {
      assert.equal(await readClaim([p1, p2], VM), null);
      const first = await writeClaim([p1, p2], VM, A, 5_000);
      assert.deepEqual([first.claim?.gen, first.previous], [1, null]);
      // B claims with a clock behind A's: the generation still orders it after A's.
      const second = await writeClaim([p2], VM, B, 1_000);
      assert.equal(second.claim?.gen, 2);
      assert.equal(second.previous?.host, A);
      const seen = await readClaim([p1, p2], VM);
      assert.deepEqual([seen?.host, seen?.gen, seen?.pool], [B, 2, p2], 'the newest claim wins over a stale copy on another pool');
      // Garbage and unreadable pools are no claim; a broken pool does not stop the others.
      mkdirSync(join(p1, CLAIM_DIR), { recursive: true });
      writeFileSync(join(p1, CLAIM_DIR, 'i-9-9-VM'), 'garbage');
      assert.equal(await readClaim([p1, join(p1, 'missing')], 'i-9-9-VM'), null);
      const third = await writeClaim([p1, p2, join(p1, 'x\0bad')], VM, A);
      assert.equal(third.claim?.gen, 3);
      assert.deepEqual(await writeClaim([join(p1, 'x\0bad')], VM, A), { claim: null, previous: null });
      assert.deepEqual(await writeClaim([p1], '../../etc/passwd', A), { claim: null, previous: null }, 'an instance name is never a path');
    } finally {
      rmSync(p1, { recursive: true, force: true });
      rmSync(p2, { recursive: true, force: true });
    }
  });

  it('a cut-off host kills only VMs another host claimed after its own claim, and a start waits for the old copy', async () => {
    const pool = mkdtempSync(join(tmpdir(), 'nimbo-claim-'));
    const dataA = mkdtempSync(join(tmpdir(), 'nimbo-claim-a-'));
    const logs: string[] = [];
    try {
      const ledger = await ClaimLedger.open(dataA, 0);
      await ledger.setPools([pool]);
      const driver = new SimulatorDriver({ name: 'fence-a' });
      let cutOff = false;
      const fence = new SelfFence(driver, ledger, { hostUuid: () => A, cutOff: () => cutOff, log: (m) => logs.push(m) });
      // B ran the VM before (an older claim); A starts it through the agent's dispatch and claims it.
      await writeClaim([pool], VM, B);
      assert.equal((await dispatch(driver, { type: 'StartVm', ...spec }, { claim: (n) => fence.claim(n), fenceWaitMs: 0 })).result, true);
      assert.equal(ledger.mine(VM), 2);
      cutOff = true;
      assert.deepEqual(await fence.check(), [], 'B\'s claim is older than A\'s own start: it does not count');
      // The ledger survives an agent restart (a restarted cut-off agent still fences right).
      assert.equal((await ClaimLedger.open(dataA, 0)).mine(VM), 2);
      assert.deepEqual((await ClaimLedger.open(dataA, 0)).pools, [pool]);
      // HA restarts the VM on B: B's claim is newer. Connected, A leaves it to the server.
      await writeClaim([pool], VM, B);
      cutOff = false;
      assert.deepEqual(await fence.check(), []);
      assert.equal((await driver.vmStates())[0]?.state, 'Running');
      cutOff = true;
      assert.deepEqual(await fence.check(), [VM]);
      assert.equal((await driver.vmStates())[0]?.state, 'Stopped');
      assert.match(logs.join('\n'), /self-fencing: killing VM i-2-7-VM: host .*b claimed it \(generation 3, this host's 2\)/);
      // A VM without any claim, or only its own, is never killed.
      await driver.startVm({ ...spec, instanceName: 'i-2-8-VM' });
      assert.deepEqual(await fence.check(), []);
      assert.deepEqual((await fence.claim('i-2-8-VM')), { displaced: false });
      assert.deepEqual(await fence.check(), []);
      // A start that displaced another host's claim retries while the old copy holds the disks.
      let tries = 0;
      const locked = Object.assign(Object.create(driver) as SimulatorDriver, {
        startVm: async (s: typeof spec) => {
          if (++tries < 3) throw new Error('Failed to get "write" lock');
          return driver.startVm(s);
        },
        disksHeldElsewhere: (e: unknown) => /write" lock/.test(String(e)),
      });
      await writeClaim([pool], 'i-2-9-VM', B);
      const started = await dispatch(locked, { type: 'StartVm', ...spec, instanceName: 'i-2-9-VM' }, { claim: (n) => fence.claim(n), fenceWaitMs: 5_000 });
      assert.deepEqual([started.result, tries], [true, 3]);
      // Without a displaced claim the same failure is reported at once.
      tries = 0;
      const failed = await dispatch(locked, { type: 'StartVm', ...spec, instanceName: 'i-2-10-VM' }, { claim: (n) => fence.claim(n), fenceWaitMs: 5_000 });
      assert.deepEqual([failed.result, tries], [false, 1]);
      // Expunged (DestroyVm): its claim file and this host's generation for it are gone, for good.
      assert.ok(existsSync(join(pool, CLAIM_DIR, 'i-2-8-VM')));
      assert.equal((await dispatch(driver, { type: 'DestroyVm', instanceName: 'i-2-8-VM' }, { release: (n) => fence.release(n) })).result, true);
      assert.equal(existsSync(join(pool, CLAIM_DIR, 'i-2-8-VM')), false);
      assert.equal(ledger.mine('i-2-8-VM'), 0);
      assert.equal((await ClaimLedger.open(dataA, 0)).mine('i-2-8-VM'), 0, 'the ledger file forgot it too');
      assert.equal((await ClaimLedger.open(dataA, 0)).mine(VM), 2, 'other VMs are kept');
    } finally {
      rmSync(pool, { recursive: true, force: true });
      rmSync(dataA, { recursive: true, force: true });
    }
  });

  it('a staged claim is invisible until committed, and an abandoned one leaves nothing behind', async () => {
    const p1 = mkdtempSync(join(tmpdir(), 'nimbo-claim-'));
    const p2 = mkdtempSync(join(tmpdir(), 'nimbo-claim-'));
    try {
      await writeClaim([p1], VM, A);
      const staged = await stageClaim([p1, p2, join(p1, 'x\0bad')], VM, B);
      assert.deepEqual([staged.claim?.gen, staged.previous?.host], [2, A]);
      assert.equal((await readClaim([p1, p2], VM))?.host, A, 'readers still see the old claim');
      assert.equal((await staged.commit())?.gen, 2);
      const seen = await readClaim([p1, p2], VM);
      assert.deepEqual([seen?.host, seen?.gen], [B, 2]);
      const dropped = await stageClaim([p1, p2], VM, A);
      await dropped.abandon();
      assert.equal((await readClaim([p1, p2], VM))?.host, B);
      for (const p of [p1, p2]) assert.deepEqual(readdirSync(join(p, CLAIM_DIR)), [VM], 'no staged file is left');
      assert.equal((await stageClaim([join(p1, 'x\0bad')], VM, A)).claim, null, 'no pool took it');
    } finally {
      rmSync(p1, { recursive: true, force: true });
      rmSync(p2, { recursive: true, force: true });
    }
  });

  it('a VM arriving by migration is claimed once it runs here; a failed arrival claims nothing', async () => {
    const pool = mkdtempSync(join(tmpdir(), 'nimbo-claim-'));
    const dataA = mkdtempSync(join(tmpdir(), 'nimbo-claim-a-'));
    try {
      const ledger = await ClaimLedger.open(dataA, 0);
      await ledger.setPools([pool]);
      const driver = new SimulatorDriver({ name: 'fence-recv' });
      const fence = new SelfFence(driver, ledger, { hostUuid: () => A, cutOff: () => false, log: () => undefined });
      await writeClaim([pool], VM, B); // the source's claim
      const ctx = { stageClaim: (n: string) => fence.stage(n) };
      const vm = { ...spec, isoPath: null };
      // The arrival fails: B's claim stays the newest, A's generation is not recorded.
      const failing = Object.assign(Object.create(driver) as SimulatorDriver, { migrateIn: async () => { throw new Error('the incoming copy died'); } });
      assert.equal((await dispatch(failing, { type: 'ReceiveVm', vm, live: true }, ctx)).result, false);
      assert.equal((await readClaim([pool], VM))?.host, B);
      assert.equal(ledger.mine(VM), 0);
      assert.deepEqual(readdirSync(join(pool, CLAIM_DIR)), [VM], 'the staged claim file is removed');
      // While the guest is still arriving, its claim is not shown; once it runs, it is.
      let arrive!: () => void;
      const slow = Object.assign(Object.create(driver) as SimulatorDriver, {
        migrateIn: async (v: typeof vm) => { await new Promise<void>((r) => (arrive = r)); return driver.migrateIn(v); },
      });
      const receiving = dispatch(slow, { type: 'ReceiveVm', vm, live: true }, ctx);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await readClaim([pool], VM))?.host, B, 'not claimed while the memory is on its way');
      arrive();
      assert.equal((await receiving).result, true);
      const c = await readClaim([pool], VM);
      assert.deepEqual([c?.host, c?.gen, ledger.mine(VM)], [A, 2, 2]);
      assert.equal((await ClaimLedger.open(dataA, 0)).mine(VM), 2, 'the ledger file has it too');
    } finally {
      rmSync(pool, { recursive: true, force: true });
      rmSync(dataA, { recursive: true, force: true });
    }
  });
});
