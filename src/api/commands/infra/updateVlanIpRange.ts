import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { toVlanRange, vlanRangeResponse } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'updateVlanIpRange',
  description: 'Grows or shrinks an IP range, or changes its gateway/netmask; addresses leaving the range must be free.',
  roles: ['Admin'],
  async: false,
  responseName: 'updatevlaniprangeresponse',
  params: {
    id: p.uuid({ entity: 'VlanIpRange', required: true, doc: 'The range' }),
    gateway: p.string({ doc: 'New gateway' }),
    netmask: p.string({ doc: 'New netmask' }),
    startip: p.string({ doc: 'New first address' }),
    endip: p.string({ doc: 'New last address' }),
    forsystemvms: p.boolean({ doc: 'Reserve the addresses for system VMs' }),
    startipv6: p.string({ doc: 'Not supported' }),
    endipv6: p.string({ doc: 'Not supported' }),
    ip6gateway: p.string({ doc: 'Not supported' }),
    ip6cidr: p.string({ doc: 'Not supported' }),
  },
  response: objectOf(vlanRangeResponse),
  async handler(ctx, q) {
    if (q.startipv6 || q.ip6cidr) throw paramError('IPv6 ranges are not supported');
    return toVlanRange(await ctx.services.vlanRanges.update(ctx.caller, q.id, { gateway: q.gateway, netmask: q.netmask, startIp: q.startip, endIp: q.endip, forSystemVms: q.forsystemvms }));
  },
});
