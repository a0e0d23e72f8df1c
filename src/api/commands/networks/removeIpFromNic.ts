import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'removeIpFromNic',
  description: 'Removes a secondary guest IP from its NIC (not while a port forward or a static NAT targets it).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NIC.SECONDARY.IP.UNASSIGN',
  instanceType: 'NicSecondaryIp',
  params: { id: p.uuid({ entity: 'NicSecondaryIp', required: true, doc: 'The secondary IP' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.nicIps.checkRemove(ctx.caller, q.id)).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.nicIps.remove(ctx.caller, q.id);
    return { success: true };
  },
});
