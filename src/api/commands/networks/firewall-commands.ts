/**
 * Ingress and egress firewall rules differ only in traffic direction and event names, so
 * their delete and list commands are made here; each API name keeps its own file.
 */
import { defineCommand, listOf, success } from '../../define-command.js';
import { p } from '../../params.js';
import { firewallRuleResponse, toFirewallRule } from '../../responses/network-rules.js';
import { accountListParams, listResult, pageOf, scopeOf } from '../common.js';

type Direction = 'Ingress' | 'Egress';

export const deleteFirewallRuleCommand = (name: string, direction: Direction, event: string) => defineCommand({
  name,
  description: `Deletes ${direction === 'Egress' ? 'an egress' : 'a'} firewall rule.`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event,
  instanceType: 'FirewallRule',
  params: { id: p.uuid({ entity: 'FirewallRule', required: true, doc: 'The rule' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.rules.getOwned(ctx.caller, q.id, ['Firewall'], direction)).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.rules.delete(ctx.caller, q.id, ['Firewall'], event, direction);
    return { success: true };
  },
});

export const listFirewallRulesCommand = (name: string, direction: Direction) => defineCommand({
  name,
  description: `Lists ${direction.toLowerCase()} firewall rules the caller may see.`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'FirewallRule', doc: 'Only this rule' }),
    ipaddressid: p.uuid({ entity: 'IpAddress', doc: 'Rules of this IP' }),
    networkid: p.uuid({ entity: 'Network', doc: 'Rules of this network' }),
  },
  response: listOf(firewallRuleResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    return listResult(await ctx.services.rules.list(scope, ['Firewall'], { id: q.id, ipId: q.ipaddressid, networkId: q.networkid, trafficType: direction }, pageOf(ctx, q)), toFirewallRule);
  },
});
