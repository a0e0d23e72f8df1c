import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { ipForwardingRuleResponse, toIpForwardingRule } from '../../responses/network-rules.js';

export default defineCommand({
  name: 'createIpForwardingRule',
  description: 'Adds a tcp/udp port range rule to a static NAT IP (to the same ports of its VM); openfirewall opens the range.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'NET.RULEADD',
  instanceType: 'FirewallRule',
  resumable: true,
  params: {
    ipaddressid: p.uuid({ entity: 'IpAddress', required: true, doc: 'The static NAT IP' }),
    protocol: p.string({ required: true, doc: 'tcp or udp' }),
    startport: p.integer({ required: true, doc: 'First port' }),
    endport: p.integer({ doc: 'Last port' }),
    openfirewall: p.boolean({ doc: 'Also open the range (default true)' }),
    cidrlist: p.stringList({ doc: 'Source CIDRs (deprecated in CloudStack)' }),
  },
  response: objectOf(ipForwardingRuleResponse),
  async create(ctx, q) {
    const r = await ctx.services.staticNat.createRule(ctx.caller, { ipId: q.ipaddressid, protocol: q.protocol, startPort: q.startport, endPort: q.endport, openFirewall: q.openfirewall, cidrs: q.cidrlist });
    return { uuid: r.uuid, ref: { id: r.id } };
  },
  async handler(ctx, _q, created) {
    const id = Number(created!.ref!['id']);
    await ctx.services.rules.apply(id);
    return toIpForwardingRule(await ctx.services.rules.get(id, ['StaticNat']));
  },
});
