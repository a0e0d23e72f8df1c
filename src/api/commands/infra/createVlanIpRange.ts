import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { createdVlanRangeResponse, toVlanRange } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'createVlanIpRange',
  description: 'Creates a public IP range of a zone (forvirtualnetwork) or a direct range: tagged (zone-wide, optionally dedicated) or untagged (per pod).',
  roles: ['Admin'],
  async: false,
  params: {
    zoneid: p.uuid({ entity: 'Zone', doc: 'The zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'The pod of an untagged direct range' }),
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', doc: 'The physical network (default: the one carrying Public/Guest traffic)' }),
    networkid: p.uuid({ entity: 'Network', doc: 'The shared network the direct range belongs to' }),
    vlan: p.string({ doc: 'VLAN tag (number, vlan://N) or untagged' }),
    gateway: p.string({ doc: 'Gateway of the range' }),
    netmask: p.string({ doc: 'Netmask of the range' }),
    startip: p.string({ doc: 'First address' }),
    endip: p.string({ doc: 'Last address (default: the start address)' }),
    forvirtualnetwork: p.boolean({ doc: 'true (default) for public addresses of virtual networks' }),
    forsystemvms: p.boolean({ doc: 'Reserve the addresses for system VMs' }),
    account: p.string({ doc: 'Dedicate the range to this account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Dedicate the range to this domain' }),
    startipv6: p.string({ doc: 'Not supported: IPv6 ranges' }),
    endipv6: p.string({ doc: 'Not supported: IPv6 ranges' }),
    ip6gateway: p.string({ doc: 'Not supported: IPv6 ranges' }),
    ip6cidr: p.string({ doc: 'Not supported: IPv6 ranges' }),
  },
  response: objectOf(createdVlanRangeResponse),
  async handler(ctx, q) {
    if (q.startipv6 || q.ip6cidr) throw paramError('IPv6 ranges are not supported');
    let accountId: number | undefined;
    if (q.account !== undefined) {
      if (q.domainid === undefined) throw paramError('domainid is required with account');
      accountId = (await ctx.services.scoper.accountByName(ctx.caller, q.account, q.domainid)).id;
    }
    const v = await ctx.services.vlanRanges.create(ctx.caller, {
      zoneId: q.zoneid, podId: q.podid, physicalNetworkId: q.physicalnetworkid, networkId: q.networkid, vlan: q.vlan, gateway: q.gateway, netmask: q.netmask,
      startIp: q.startip, endIp: q.endip, forVirtualNetwork: q.forvirtualnetwork, forSystemVms: q.forsystemvms, accountId, domainId: q.domainid,
    });
    return toVlanRange(v, ctx.raw['networkid']);
  },
});
