import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'disableStaticNat',
  description: 'Ends the static NAT of a public IP; its IP forwarding rules go with it, its firewall rules stay.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'STATICNAT.DISABLE',
  instanceType: 'IpAddress',
  params: { ipaddressid: p.uuid({ entity: 'IpAddress', required: true, doc: 'The public IP' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.staticNat.checkDisable(ctx.caller, q.ipaddressid)).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.staticNat.disable(ctx.caller, q.ipaddressid);
    return { success: true };
  },
});
