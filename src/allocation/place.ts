/**
 * Picks the first candidate whose capacity can still be reserved: one transaction per
 * candidate reserves the host, then the pools of new disks (ascending id), then runs the
 * caller's own writes (`within`, e.g. the VM row pointing at the host). A candidate that
 * lost a race changes nothing and the next one is tried; when all lost, the caller plans again
 * from a fresh snapshot (the losers are not avoided: they may still have room).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema/index.js';
import { cpuNeed, hostCpuFactor, hostMemFactor, memNeed } from './capacity.js';
import type { Placement } from './planner.js';
import { reserveHost, reservePool } from './reserve.js';
import type { HostSnapshot, VmRequirements } from './types.js';

class Lost extends Error {}

export async function reserveFirst(
  k: Kysely<Database>,
  candidates: Placement[],
  req: VmRequirements,
  factors: HostSnapshot['factors'],
  within: (trx: Transaction<Database>, c: Placement) => Promise<void> = async () => {},
): Promise<Placement | undefined> {
  for (const c of candidates) {
    try {
      await k.transaction().execute(async (trx) => {
        const hostFactors = { cpu: hostCpuFactor(c.host, factors.cpu), mem: hostMemFactor(c.host, factors.mem) };
        if (!(await reserveHost(trx, c.host.id, cpuNeed(req), memNeed(req), hostFactors))) throw new Lost();
        const fresh = req.disks.map((d, i) => ({ d, pool: c.pools[i]! })).filter(({ d }) => d.poolId === undefined);
        for (const { d, pool } of fresh.sort((a, b) => a.pool - b.pool)) {
          if (!(await reservePool(trx, pool, d.bytes, factors.storageByPool?.get(pool) ?? factors.storage))) throw new Lost();
        }
        await within(trx, c);
      });
      return c;
    } catch (e) {
      if (!(e instanceof Lost)) throw e;
    }
  }
  return undefined;
}
