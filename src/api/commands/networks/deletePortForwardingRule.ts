import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deletePortForwardingRule',
  description: 'Deletes a port forwarding rule and the firewall rule it opened.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NET.RULEDELETE',
  instanceType: 'FirewallRule',
  params: { id: p.uuid({ entity: 'PortForwardingRule', required: true, doc: 'The rule' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.rules.getOwned(ctx.caller, q.id, ['PortForwarding'])).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.rules.delete(ctx.caller, q.id, ['PortForwarding'], 'NET.RULEDELETE');
    return { success: true };
  },
});
