import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteEgressFirewallRule',
  description: 'Deletes an egress firewall rule.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'FIREWALL.EGRESS.CLOSE',
  instanceType: 'FirewallRule',
  params: { id: p.uuid({ entity: 'FirewallRule', required: true, doc: 'The rule' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.rules.getOwned(ctx.caller, q.id, ['Firewall'])).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.rules.delete(ctx.caller, q.id, ['Firewall'], 'FIREWALL.EGRESS.CLOSE');
    return { success: true };
  },
});
