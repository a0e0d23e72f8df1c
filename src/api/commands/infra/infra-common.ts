/** Helpers shared by the infrastructure commands. */
import type { CommandContext } from '../../define-command.js';
import type { CapacityItem } from '../../../services/infra/capacity.service.js';
import type { PlaceNames } from '../../responses/infra.js';

/** CloudStack's over-commit ratios of a cluster (cluster override, else global), as strings. */
export async function overcommit(ctx: CommandContext, clusterId: number): Promise<{ cpuRatio: string; memRatio: string }> {
  const c = ctx.services.config;
  const cpu = await c.get('cpu.overprovisioning.factor', { kind: 'Cluster', id: clusterId });
  const mem = await c.get('mem.overprovisioning.factor', { kind: 'Cluster', id: clusterId });
  return { cpuRatio: cpu ?? '1.0', memRatio: mem ?? '1.0' };
}

/** Groups capacity items by a key (zone, pod or cluster id). */
export function groupCapacity(items: CapacityItem[], key: (c: CapacityItem) => number | null): Map<number, CapacityItem[]> {
  const m = new Map<number, CapacityItem[]>();
  for (const c of items) {
    const k = key(c);
    if (k === null) continue;
    const l = m.get(k) ?? [];
    l.push(c);
    m.set(k, l);
  }
  return m;
}

/** uuid/name of every zone, pod and cluster, for capacity entries. */
export function placeNames(ctx: CommandContext): Promise<PlaceNames> {
  return ctx.services.capacity.names();
}
