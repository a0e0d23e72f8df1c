import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';

export default defineCommand({
  name: 'disassociateIpAddress',
  description: 'Releases a public IP (not the source NAT IP of an implemented network); its rules and static NAT go with it.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NET.IPRELEASE',
  instanceType: 'IpAddress',
  params: {
    id: p.uuid({ entity: 'IpAddress', doc: 'The IP' }),
    ipaddress: p.string({ doc: 'The IP by address' }),
  },
  response: success,
  async prepare(ctx, q) {
    const id = q.id ?? (q.ipaddress !== undefined ? await ctx.services.publicIps.idOfAddress(q.ipaddress) : undefined);
    if (id === undefined) throw paramError('Please specify a valid IP address id or IP address');
    return { instanceUuid: (await ctx.services.publicIps.checkRelease(ctx.caller, id)).uuid };
  },
  async handler(ctx, q) {
    const id = q.id ?? (await ctx.services.publicIps.idOfAddress(q.ipaddress!));
    if (id !== undefined) await ctx.services.publicIps.release(ctx.caller, id);
    return { success: true };
  },
});
