/** Load balancer responses with owner and zone names (one query per page). */
import type { CommandContext } from '../../define-command.js';
import type { RuleRow } from '../../../services/networks/rule.service.js';
import type { Wire } from '../../responses/define.js';
import { toLoadBalancer } from '../../responses/network-rules.js';

export async function toLoadBalancers(ctx: CommandContext, rows: RuleRow[]): Promise<Wire[]> {
  const by = await ctx.services.loadBalancers.names(rows.map((r) => r.id));
  return rows.map((r) => toLoadBalancer(r, by.get(r.id) ?? {}));
}
