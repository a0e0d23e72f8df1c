import type { CommandContext } from '../../define-command.js';
import { mergeWire, type Wire } from '../../responses/define.js';
import { hostStatsWire } from '../../responses/stats.js';
import { toHost } from '../../responses/host.js';
import type { HostRow } from '../../../services/hosts/host.queries.js';

/** Host wire objects with their OS category uuid/name. */
export async function hostWires(ctx: CommandContext, rows: HostRow[]): Promise<Wire[]> {
  const [cats, stats] = await Promise.all([
    ctx.services.hosts.osCategories(rows.map((r) => r.os_category_id).filter((x): x is number => x !== null)),
    ctx.services.stats.forHosts(rows.map((r) => r.id)),
  ]);
  return rows.map((h) => {
    const c = h.os_category_id === null ? undefined : cats.get(h.os_category_id);
    return mergeWire(toHost(h, { osCategoryUuid: c?.uuid, osCategoryName: c?.name }), hostStatsWire(stats.get(h.id)));
  });
}
