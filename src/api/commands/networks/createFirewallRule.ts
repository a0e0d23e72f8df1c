import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { firewallRuleResponse, toFirewallRule } from '../../responses/network-rules.js';

export default defineCommand({
  name: 'createFirewallRule',
  description: 'Opens inbound traffic to a public IP for a protocol and port range from source CIDRs (inbound is refused by default).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'FIREWALL.OPEN',
  instanceType: 'FirewallRule',
  resumable: true,
  params: {
    ipaddressid: p.uuid({ entity: 'IpAddress', required: true, doc: 'The public IP' }),
    protocol: p.string({ required: true, doc: 'tcp, udp, icmp or all' }),
    startport: p.integer({ doc: 'First port' }),
    endport: p.integer({ doc: 'Last port' }),
    cidrlist: p.stringList({ doc: 'Source CIDRs (default 0.0.0.0/0)' }),
    icmptype: p.integer({ doc: 'ICMP type' }),
    icmpcode: p.integer({ doc: 'ICMP code' }),
    type: p.string({ doc: 'user (default)' }),
  },
  response: objectOf(firewallRuleResponse),
  async create(ctx, q) {
    const r = await ctx.services.rules.createFirewall(ctx.caller, { ipId: q.ipaddressid, protocol: q.protocol, startPort: q.startport, endPort: q.endport, cidrs: q.cidrlist, icmpType: q.icmptype, icmpCode: q.icmpcode });
    return { uuid: r.uuid, ref: { id: r.id } };
  },
  async handler(ctx, _q, created) {
    const id = Number(created!.ref!['id']);
    await ctx.services.rules.apply(id);
    return toFirewallRule(await ctx.services.rules.get(id, ['Firewall']));
  },
});
