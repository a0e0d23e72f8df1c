/** Stickiness responses: the policy's LB rule with owner and zone names. */
import type { CommandContext } from '../../define-command.js';
import type { RuleRow } from '../../../services/networks/rule.service.js';
import type { StickinessRow } from '../../../services/networks/lb-stickiness.service.js';
import type { Wire } from '../../responses/define.js';
import { toLbStickiness } from '../../responses/network-rules.js';

export async function stickinessWire(ctx: CommandContext, rule: RuleRow, policies: StickinessRow[]): Promise<Wire> {
  const names = (await ctx.services.loadBalancers.names([rule.id])).get(rule.id) ?? {};
  return toLbStickiness(rule, policies, names);
}
