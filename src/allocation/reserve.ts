/**
 * Capacity reservation under row lock. Each reservation is one conditional UPDATE: the row
 * is locked and the capacity re-checked against its latest committed values (PostgreSQL
 * re-evaluates the WHERE after waiting for the lock, InnoDB updates read the latest version,
 * SQLite serialises writers), so concurrent deploys can never overcommit a host or a pool.
 * Callers lock a host before any pool and pools in ascending id order: no lock cycles.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema/index.js';
import { QueryTemplate } from '../db/prepared.js';
import { vmDb } from '../services/vms/contract.js';

type Exec = Kysely<Database> | Transaction<Database>;

const lit = (n: number) => sql.lit(Number.isFinite(n) ? n : 1);

// Once per deploy each (issue #5 bench): templates, one shape per factor (they are SQL literals).
const RESERVE_HOST = new QueryTemplate((k, $, shape) => {
  const [cpu, mem] = shape.split('|').map(Number);
  const cpuMhz = $<number>('cpu');
  const memBytes = $<number>('mem');
  return vmDb(k)
    .updateTable('hosts')
    .set((eb) => ({ cpu_allocated: eb('cpu_allocated', '+', cpuMhz), memory_allocated: eb('memory_allocated', '+', memBytes) }))
    .where('id', '=', $<number>('id'))
    .where(sql<boolean>`cpus * cpu_speed * ${lit(cpu!)} - cpu_allocated >= ${cpuMhz}`)
    .where(sql<boolean>`total_memory * ${lit(mem!)} - memory_allocated >= ${memBytes}`);
});
const RESERVE_POOL = new QueryTemplate((k, $, factor) => {
  const bytes = $<number>('bytes');
  return k
    .updateTable('storage_pools')
    .set((eb) => ({ allocated_bytes: eb('allocated_bytes', '+', bytes) }))
    .where('id', '=', $<number>('id'))
    .where('status', '=', 'Up')
    .where(sql<boolean>`capacity_bytes * ${lit(Number(factor))} - allocated_bytes >= ${bytes}`);
});

/** Adds `cpuMhz` and `memBytes` to the host if it still has room; false when it no longer has. */
export async function reserveHost(trx: Exec, hostId: number, cpuMhz: number, memBytes: number, factors: { cpu: number; mem: number }): Promise<boolean> {
  const r = await RESERVE_HOST.run(trx, `${factors.cpu}|${factors.mem}`, { cpu: cpuMhz, mem: memBytes, id: hostId });
  return Number(r.numAffectedRows) === 1;
}

export async function releaseHost(trx: Exec, hostId: number, cpuMhz: number, memBytes: number): Promise<void> {
  await vmDb(trx)
    .updateTable('hosts')
    .set((eb) => ({ cpu_allocated: eb('cpu_allocated', '-', cpuMhz), memory_allocated: eb('memory_allocated', '-', memBytes) }))
    .where('id', '=', hostId)
    .execute();
}

/** Adds `bytes` to the pool's allocation if capacity × storage factor still covers it. */
export async function reservePool(trx: Exec, poolId: number, bytes: number, storageFactor: number): Promise<boolean> {
  const r = await RESERVE_POOL.run(trx, String(storageFactor), { bytes, id: poolId });
  return Number(r.numAffectedRows) === 1;
}

export async function releasePool(trx: Exec, poolId: number, bytes: number): Promise<void> {
  await trx.updateTable('storage_pools').set((eb) => ({ allocated_bytes: eb('allocated_bytes', '-', bytes) })).where('id', '=', poolId).execute();
}
