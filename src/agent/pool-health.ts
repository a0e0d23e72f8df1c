/**
 * Primary storage reachability, checked by the agent before each heartbeat for the pools the
 * server named in its welcome (the seed's "primary storage outage"): a pool directory that is
 * gone, not a directory, not readable and writable, or that does not answer within a few
 * seconds (a hung NFS mount) is unreachable. The simulator's `StoragePoolOutage` mock makes a
 * pool unreachable without touching the disk. The driver is told which pools are lost, so the
 * guests on them stop as they would on a real host, and the heartbeat carries every pool's state.
 */
import type { HypervisorDriver } from '../drivers/driver.js';
import { SimulatorDriver } from '../drivers/simulator/simulator-driver.js';
import type { PoolHealth, PrimaryPoolRef } from '../protocol/messages.js';
import { storageDirProblem } from '../util/storage-dir.js';

/**
 * Each pool's state; `checkDirs` false skips the directory checks (simulated hosts without
 * `--pool-heartbeat` share no disks). Tells the driver which pools are lost.
 */
export async function poolHealth(driver: HypervisorDriver, pools: PrimaryPoolRef[], checkDirs: boolean): Promise<PoolHealth[]> {
  const out = await Promise.all(pools.map(async (p): Promise<PoolHealth> => {
    if (driver instanceof SimulatorDriver && driver.poolOutage(p.uuid)) return { uuid: p.uuid, ok: false, reason: 'simulated storage pool outage' };
    const problem = checkDirs ? await storageDirProblem(p.path) : null;
    return problem === null ? { uuid: p.uuid, ok: true } : { uuid: p.uuid, ok: false, reason: problem };
  }));
  await driver.poolsUnreachable?.(pools.filter((_p, i) => !out[i]!.ok).map((p) => p.path));
  return out;
}
