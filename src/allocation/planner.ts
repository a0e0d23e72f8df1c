/**
 * The deployment planner: filters remove hosts (tallying how many each removed), weighers
 * order the survivors, and each candidate comes with a pool per disk. Pure over the snapshot.
 */
import { CloudError } from '../api/errors.js';
import { poolFits, poolStorageFactor } from './capacity.js';
import { ALLOCATION_PLUGINS } from './plugins.js';
import type { HostInfo, HostSnapshot, PlanContext, PoolInfo, VmRequirements } from './types.js';

export interface Placement {
  host: HostInfo;
  /** Pool id per disk of `req.disks`. */
  pools: number[];
}

export interface Plan {
  /** Candidates in the order to try them. */
  candidates: Placement[];
  /** Filter name → hosts it removed. */
  removed: Record<string, number>;
  considered: number;
}

function hasAll(have: string[], want: string[]): boolean {
  return want.every((t) => have.includes(t));
}

export function makeContext(snapshot: HostSnapshot, req: VmRequirements): PlanContext {
  const usable = snapshot.pools.filter((p) => p.status === 'Up' && p.zoneId === req.zoneId && !req.avoid.pools.has(p.id));
  const byCluster = new Map<number, PoolInfo[]>();
  const byHost = new Map<number, PoolInfo[]>();
  const zoneWide: PoolInfo[] = [];
  for (const p of usable) {
    if (p.scope === 'ZONE') zoneWide.push(p);
    else if (p.scope === 'HOST' && p.hostId !== null) byHost.set(p.hostId, [...(byHost.get(p.hostId) ?? []), p]);
    else if (p.clusterId !== null) byCluster.set(p.clusterId, [...(byCluster.get(p.clusterId) ?? []), p]);
  }
  const cache = new Map<number, number[] | null>();
  const choose = (pools: PoolInfo[]): number[] | null => {
    // Each disk takes the reachable pool with the most room left, counting the disks before it.
    const extra = new Map<number, number>();
    const out: number[] = [];
    for (const d of req.disks) {
      if (d.poolId !== undefined) {
        if (!pools.some((p) => p.id === d.poolId)) return null;
        out.push(d.poolId);
        continue;
      }
      let best: PoolInfo | null = null;
      let bestFree = -Infinity;
      for (const p of pools) {
        if (!hasAll(p.tags, d.tags)) continue;
        const alloc = p.allocatedBytes + (extra.get(p.id) ?? 0);
        const factor = poolStorageFactor(p, snapshot.factors.storage);
        if (!poolFits({ capacityBytes: p.capacityBytes, allocatedBytes: alloc }, factor, d.bytes)) continue;
        const free = p.capacityBytes * factor - alloc;
        if (free > bestFree) (best = p), (bestFree = free);
      }
      if (!best) return null;
      extra.set(best.id, (extra.get(best.id) ?? 0) + d.bytes);
      out.push(best.id);
    }
    return out;
  };
  const accountVmsByPod = new Map<number, number>();
  for (const h of snapshot.hosts) {
    const n = snapshot.accountVmsByHost.get(h.id);
    if (n) accountVmsByPod.set(h.podId, (accountVmsByPod.get(h.podId) ?? 0) + n);
  }
  return {
    snapshot, req, accountVmsByPod,
    poolsFor(h) {
      const own = byHost.get(h.id);
      if (own) return choose([...own, ...(byCluster.get(h.clusterId) ?? []), ...zoneWide]);
      // Hosts of a cluster share their pools: one answer per cluster.
      let r = cache.get(h.clusterId);
      if (r === undefined) cache.set(h.clusterId, (r = choose([...(byCluster.get(h.clusterId) ?? []), ...zoneWide])));
      return r;
    },
  };
}

interface Keyed {
  h: HostInfo;
  k: number[];
}

/** How many ordered candidates a plan returns at most. */
export const MAX_CANDIDATES = 32;

export function plan(snapshot: HostSnapshot, req: VmRequirements, algorithm: string): Plan {
  const preset = ALLOCATION_PLUGINS.presets[algorithm] ?? ALLOCATION_PLUGINS.presets['random']!;
  const ctx = makeContext(snapshot, req);
  const filters = preset.filters.map((n) => ALLOCATION_PLUGINS.filters[n]!);
  // Indexed loops and a counter array: this runs filters × hosts times (10,000 hosts in the bench).
  const counts = new Array<number>(filters.length).fill(0);
  const kept: HostInfo[] = [];
  for (const h of snapshot.hosts) {
    let f = 0;
    while (f < filters.length && filters[f]!(h, ctx)) f++;
    if (f === filters.length) kept.push(h);
    else counts[f]!++;
  }
  const removed: Record<string, number> = {};
  preset.filters.forEach((n, i) => (removed[n] = (removed[n] ?? 0) + counts[i]!));
  const weighers = preset.weighers.map((n) => ALLOCATION_PLUGINS.weighers[n]!);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  };
  // Only the best MAX_CANDIDATES are ordered (one pass, bounded insertion): a start rarely
  // needs more, and one that does plans again from a fresh snapshot with the failures avoided.
  // Keys are computed into one scratch array; a host gets its own only when it enters the top.
  const top: Keyed[] = [];
  let scratch: number[] = new Array<number>(weighers.length);
  for (const h of kept) {
    for (let w = 0; w < weighers.length; w++) scratch[w] = weighers[w]!(h, ctx);
    if (top.length === MAX_CANDIDATES && cmp(scratch, top[top.length - 1]!.k) >= 0) continue;
    let i = top.length;
    while (i > 0 && cmp(scratch, top[i - 1]!.k) < 0) i--;
    top.splice(i, 0, { h, k: scratch });
    scratch = new Array<number>(weighers.length);
    if (top.length > MAX_CANDIDATES) top.pop();
  }
  const keyed = top;
  return { candidates: keyed.map(({ h }) => ({ host: h, pools: ctx.poolsFor(h)! })), removed, considered: snapshot.hosts.length };
}

/** "3 hosts considered; removed by filter: host-state 1, cpu 2" — the 533 text's detail. */
export function tally(p: Pick<Plan, 'removed' | 'considered'>): string {
  const parts = Object.entries(p.removed).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `${p.considered} host(s) considered; removed by filter: ${parts.length ? parts.join(', ') : 'none'}`;
}

export function insufficientCapacity(vmName: string, p: Pick<Plan, 'removed' | 'considered'>, zoneId: number): CloudError {
  return new CloudError('InsufficientCapacity', `Unable to create a deployment for VM ${vmName}: ${tally(p)}`, { scope: `DataCenter ${zoneId}` });
}
