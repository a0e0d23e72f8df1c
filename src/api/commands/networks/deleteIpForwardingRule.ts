import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteIpForwardingRule',
  description: 'Deletes an IP forwarding (static NAT) rule and the firewall rule it opened; static NAT stays enabled.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NET.RULEDELETE',
  instanceType: 'FirewallRule',
  params: { id: p.uuid({ entity: 'FirewallRule', required: true, doc: 'The rule' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.rules.getOwned(ctx.caller, q.id, ['StaticNat'])).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.rules.delete(ctx.caller, q.id, ['StaticNat'], 'NET.RULEDELETE');
    return { success: true };
  },
});
