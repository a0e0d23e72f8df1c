import type { CommandContext } from '../../define-command.js';
import type { Wire } from '../../responses/define.js';
import { toHost } from '../../responses/host.js';
import type { HostRow } from '../../../services/hosts/host.queries.js';

/** Host wire objects with their OS category uuid/name. */
export async function hostWires(ctx: CommandContext, rows: HostRow[]): Promise<Wire[]> {
  const cats = await ctx.services.hosts.osCategories(rows.map((r) => r.os_category_id).filter((x): x is number => x !== null));
  return rows.map((h) => {
    const c = h.os_category_id === null ? undefined : cats.get(h.os_category_id);
    return toHost(h, { osCategoryUuid: c?.uuid, osCategoryName: c?.name });
  });
}
