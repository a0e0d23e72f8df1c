import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { portForwardingRuleResponse, toPortForwardingRule } from '../../responses/network-rules.js';

export default defineCommand({
  name: 'updatePortForwardingRule',
  description: 'Updates a port forwarding rule: its private ports, its VM (or guest IP) and its source CIDRs; the public ports stay.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NET.RULEMODIFY',
  instanceType: 'FirewallRule',
  params: {
    id: p.uuid({ entity: 'PortForwardingRule', required: true, doc: 'The rule' }),
    privateport: p.integer({ doc: 'New first private port' }),
    privateendport: p.integer({ doc: 'New last private port (the range keeps the public range\'s size)' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'New VM (same account, NIC in the IP\'s network)' }),
    vmguestip: p.string({ doc: "The VM's guest IP in the network" }),
    cidrlist: p.stringList({ doc: 'New source CIDRs (the firewall rule the forward opened follows)' }),
  },
  response: objectOf(portForwardingRuleResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.rules.getOwned(ctx.caller, q.id, ['PortForwarding'])).uuid };
  },
  async handler(ctx, q) {
    const r = await ctx.services.rules.updatePortForwarding(ctx.caller, q.id, { privatePort: q.privateport, privateEndPort: q.privateendport, vmId: q.virtualmachineid, vmGuestIp: q.vmguestip, cidrs: q.cidrlist });
    return toPortForwardingRule(r);
  },
});
