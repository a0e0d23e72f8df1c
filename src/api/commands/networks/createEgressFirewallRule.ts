import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { firewallRuleResponse, toFirewallRule } from '../../responses/network-rules.js';

export default defineCommand({
  name: 'createEgressFirewallRule',
  description: "Adds an egress rule to an isolated network; its meaning follows the offering's default egress policy.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'FIREWALL.EGRESS.OPEN',
  instanceType: 'FirewallRule',
  resumable: true,
  params: {
    networkid: p.uuid({ entity: 'Network', required: true, doc: 'The network' }),
    protocol: p.string({ required: true, doc: 'tcp, udp, icmp or all' }),
    startport: p.integer({ doc: 'First port' }),
    endport: p.integer({ doc: 'Last port' }),
    cidrlist: p.stringList({ doc: 'Guest source CIDRs' }),
    icmptype: p.integer({ doc: 'ICMP type' }),
    icmpcode: p.integer({ doc: 'ICMP code' }),
    type: p.string({ doc: 'user (default)' }),
  },
  response: objectOf(firewallRuleResponse),
  async create(ctx, q) {
    const r = await ctx.services.rules.createEgress(ctx.caller, { networkId: q.networkid, protocol: q.protocol, startPort: q.startport, endPort: q.endport, cidrs: q.cidrlist, icmpType: q.icmptype, icmpCode: q.icmpcode });
    return { uuid: r.uuid, ref: { id: r.id } };
  },
  async handler(ctx, _q, created) {
    const id = Number(created!.ref!['id']);
    await ctx.services.rules.apply(id);
    return toFirewallRule(await ctx.services.rules.get(id, ['Firewall']));
  },
});
