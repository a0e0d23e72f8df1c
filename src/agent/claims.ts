/**
 * VM ownership claims on shared primary storage, for self-fencing (issue #8: "an agent that
 * loses its management server and finds another host has taken over its VMs kills them").
 *
 * A host that starts a VM, or receives it by migration, writes `<pool>/.nimbo-claims/<instance>`
 * (JSON `{host, gen, at}`) into every shared pool it heartbeats to, beside `.nimbo-heartbeat/`.
 * `gen` is one more than the highest generation found on any pool, so claims are ordered
 * without trusting clocks across hosts (the server never starts one VM on two hosts at once,
 * so claimers do not race each other). Each host also keeps, in its own data dir, the
 * generation it wrote for each VM it runs (ClaimLedger). A host cut off from every management
 * server kills a VM only when a claim by another host has a higher generation than its own:
 * a claim older than its own start of the VM never counts, and neither does a pool it could
 * not read (a missing claim is never a reason to kill).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CLAIM_DIR = '.nimbo-claims';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

export interface Claim {
  /** The claiming host's uuid. */
  host: string;
  gen: number;
  /** The claimer's clock (ms), for people reading the file; never compared across hosts. */
  at: number;
  /** The pool the claim was read from. */
  pool?: string;
}

function file(pool: string, instanceName: string): string {
  if (!NAME.test(instanceName)) throw new Error(`not an instance name: ${instanceName}`);
  return join(pool, CLAIM_DIR, instanceName);
}

async function readOne(pool: string, instanceName: string): Promise<Claim | null> {
  try {
    const c = JSON.parse(await readFile(file(pool, instanceName), 'utf8')) as Partial<Claim>;
    if (typeof c.host !== 'string' || !Number.isSafeInteger(c.gen) || (c.gen as number) < 1) return null;
    return { host: c.host, gen: c.gen as number, at: Number(c.at) || 0, pool };
  } catch {
    return null;
  }
}

/** The newest readable claim on the VM (highest generation over the pools), null when none. */
export async function readClaim(pools: string[], instanceName: string): Promise<Claim | null> {
  let best: Claim | null = null;
  for (const c of await Promise.all(pools.map((p) => readOne(p, instanceName)))) {
    if (c && (!best || c.gen > best.gen)) best = c;
  }
  return best;
}

/** A claim written beside its final name on each pool, shown to readers by `commit`. */
export interface StagedClaim {
  /** The claim it will show (null when no pool took the staged file) and the one it replaces. */
  claim: Claim | null;
  previous: Claim | null;
  /** Renames the staged files into place; answers the claim when at least one pool took it. */
  commit(): Promise<Claim | null>;
  /** Removes the staged files (the VM did not come to run here). */
  abandon(): Promise<void>;
}

/**
 * Reads the newest claim and writes the next one beside its final name on every pool that
 * takes it, without showing it yet: a migration's destination stages its claim while the
 * memory arrives, and only the renames are left for once the guest runs here.
 */
export async function stageClaim(pools: string[], instanceName: string, host: string, now = Date.now()): Promise<StagedClaim> {
  const previous = await readClaim(pools, instanceName);
  const claim: Claim = { host, gen: (previous?.gen ?? 0) + 1, at: now };
  const staged: Array<{ tmp: string; f: string }> = [];
  await Promise.all(pools.map(async (pool) => {
    try {
      const f = file(pool, instanceName);
      await mkdir(join(pool, CLAIM_DIR), { recursive: true });
      await writeFile(`${f}.${host}.tmp`, JSON.stringify(claim));
      staged.push({ tmp: `${f}.${host}.tmp`, f });
    } catch {
      /* an unreachable pool: the others carry the claim */
    }
  }));
  return {
    claim: staged.length ? claim : null,
    previous,
    async commit() {
      const shown = await Promise.all(staged.map(({ tmp, f }) => rename(tmp, f).then(() => true, () => false)));
      return shown.includes(true) ? claim : null;
    },
    async abandon() {
      await Promise.all(staged.map(({ tmp }) => rm(tmp, { force: true }).catch(() => undefined)));
    },
  };
}

/**
 * Claims the VM for `host` on every pool that takes it (write then rename: readers never see
 * half a file). Answers the new claim (null when no pool took it) and the one it replaced.
 */
export async function writeClaim(pools: string[], instanceName: string, host: string, now = Date.now()): Promise<{ claim: Claim | null; previous: Claim | null }> {
  const staged = await stageClaim(pools, instanceName, host, now);
  return { claim: await staged.commit(), previous: staged.previous };
}

/**
 * Removes a VM's claim from every pool (the VM was expunged: it runs nowhere again and its
 * disks are gone, so no copy is left to fence). An unreachable pool keeps its file: harmless,
 * a claim on a name never used again.
 */
export async function removeClaim(pools: string[], instanceName: string): Promise<void> {
  if (!NAME.test(instanceName)) return;
  await Promise.all(pools.map((pool) => rm(file(pool, instanceName), { force: true }).catch(() => undefined)));
}

/**
 * What one host connection remembers across agent restarts (a cut-off agent may be restarted
 * and must still fence): the shared pools the server last named and, per VM, the generation
 * of its own latest claim. `<data-dir>/claims-<host index>.json`.
 */
export class ClaimLedger {
  private state: { pools: string[]; gens: Record<string, number> } = { pools: [], gens: {} };

  private constructor(private readonly path: string) {}

  static async open(dataDir: string, index: number): Promise<ClaimLedger> {
    const l = new ClaimLedger(join(dataDir, `claims-${index}.json`));
    try {
      const s = JSON.parse(await readFile(l.path, 'utf8')) as ClaimLedger['state'];
      if (Array.isArray(s.pools) && s.gens && typeof s.gens === 'object') l.state = s;
    } catch {
      /* first start */
    }
    return l;
  }

  get pools(): string[] {
    return this.state.pools;
  }

  /** The generation of this host's own latest claim on the VM (0: it never claimed it). */
  mine(instanceName: string): number {
    return this.state.gens[instanceName] ?? 0;
  }

  setPools(pools: string[]): Promise<void> {
    if (JSON.stringify(pools) === JSON.stringify(this.state.pools)) return Promise.resolve();
    this.state.pools = [...pools];
    return this.save();
  }

  record(instanceName: string, gen: number): Promise<void> {
    this.state.gens[instanceName] = gen;
    return this.save();
  }

  forget(instanceName: string): Promise<void> {
    if (!(instanceName in this.state.gens)) return Promise.resolve();
    delete this.state.gens[instanceName];
    return this.save();
  }

  /**
   * Written synchronously: a tiny file in the agent's own data dir, on the path of every start
   * and migration, where two thread-pool round trips cost more than the write itself.
   */
  private save(): Promise<void> {
    try {
      writeFileSync(`${this.path}.tmp`, JSON.stringify(this.state));
      renameSync(`${this.path}.tmp`, this.path);
    } catch {
      /* a full or read-only data dir: the pools' claims still order the hosts */
    }
    return Promise.resolve();
  }
}
