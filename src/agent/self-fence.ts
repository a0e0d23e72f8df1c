/**
 * Self-fencing of one host connection (claims.ts says what a claim is). While the agent is
 * cut off from every management server the server cannot fence for it (ha-worker.ts kills
 * stale copies only when the host reports or says hello), so every check period it reads the
 * claims of the VMs it runs and kills those another host has claimed since its own claim: HA
 * restarted them elsewhere while this host looked dead (frozen, or its heartbeat writes
 * stalled) and two copies must never run. Connected, it does nothing: the server decides.
 */
import type { HypervisorDriver } from '../drivers/driver.js';
import { readClaim, removeClaim, stageClaim, type ClaimLedger } from './claims.js';

/** How often a cut-off host checks (the ping interval, at most 5 s: reading a few files is cheap). */
export const checkPeriodMs = (pingIntervalMs: number) => Math.max(200, Math.min(pingIntervalMs, 5_000));
/**
 * How long a host that displaced another host's claim waits for that host to kill its copy
 * when the copy still holds the VM's disks (QEMU's image locks): a few check periods.
 */
export const fenceWaitMs = (pingIntervalMs: number) => 3 * checkPeriodMs(pingIntervalMs) + 5_000;

export class SelfFence {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private period = 0;

  constructor(
    private readonly driver: HypervisorDriver, private readonly ledger: ClaimLedger,
    private readonly o: { hostUuid: () => string | undefined; cutOff: () => boolean; log: (msg: string) => void },
  ) {}

  /** (Re)starts the periodic check. */
  start(pingIntervalMs: number): void {
    const period = checkPeriodMs(pingIntervalMs);
    if (this.timer && period === this.period) return;
    this.stop();
    this.period = period;
    this.timer = setInterval(() => void this.check(), period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Claims a VM this host is about to run; `displaced` when another host held the latest claim. */
  async claim(instanceName: string): Promise<{ displaced: boolean }> {
    return (await this.stage(instanceName)).commit();
  }

  /**
   * Prepares the claim of a VM arriving here (a migration's destination) while its memory is on
   * its way; `commit` once it runs here shows the claim and records its generation. Never rejects.
   */
  async stage(instanceName: string): Promise<{ commit(): Promise<{ displaced: boolean }>; abandon(): Promise<void> }> {
    const host = this.o.hostUuid();
    const staged = host && this.ledger.pools.length ? await stageClaim(this.ledger.pools, instanceName, host).catch(() => null) : null;
    return {
      commit: async () => {
        if (!staged) return { displaced: false };
        const claim = await staged.commit();
        if (claim) await this.ledger.record(instanceName, claim.gen);
        return { displaced: !!staged.previous && staged.previous.host !== host };
      },
      abandon: async () => staged?.abandon(),
    };
  }

  /** Forgets an expunged VM: its claims on the pools and this host's generation for it. */
  async release(instanceName: string): Promise<void> {
    await removeClaim(this.ledger.pools, instanceName);
    await this.ledger.forget(instanceName);
  }

  /** One check; answers the VMs it killed. */
  async check(): Promise<string[]> {
    const host = this.o.hostUuid();
    const pools = this.ledger.pools;
    if (this.busy || !this.o.cutOff() || !host || !pools.length) return [];
    this.busy = true;
    const killed: string[] = [];
    try {
      for (const v of await this.driver.vmStates()) {
        if (v.state !== 'Running') continue;
        const c = await readClaim(pools, v.instanceName);
        const mine = this.ledger.mine(v.instanceName);
        // Only a newer claim by another host counts; our own, an older one or none never does.
        if (!c || c.host === host || c.gen <= mine) continue;
        // Back in touch meanwhile: the server fences (it knows better than a file).
        if (!this.o.cutOff()) break;
        this.o.log(`self-fencing: killing VM ${v.instanceName}: host ${c.host} claimed it (generation ${c.gen}, this host's ${mine || 'none'}) on ${c.pool} while this host is cut off from every management server`);
        try {
          await this.driver.stopVm(v.instanceName, true);
          killed.push(v.instanceName);
        } catch (e) {
          this.o.log(`self-fencing: could not kill VM ${v.instanceName}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      this.busy = false;
    }
    return killed;
  }
}
