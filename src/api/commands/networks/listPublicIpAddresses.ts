import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { publicIpAddressResponse, toIpAddress } from '../../responses/networks.js';
import { accountListParams, pageOf, scopeOf } from '../common.js';
import { isRootAdmin } from '../../../services/caller.js';

export default defineCommand({
  name: 'listPublicIpAddresses',
  description: 'Lists public IP addresses: allocated ones the caller may see, or (admins, allocatedonly=false) free ones too.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'IpAddress', doc: 'Only this IP' }),
    ipaddress: p.string({ doc: 'Only this address' }),
    allocatedonly: p.boolean({ doc: 'Only allocated IPs (default true)' }),
    state: p.string({ doc: 'Allocating, Allocated, Releasing, Free' }),
    forvirtualnetwork: p.boolean({ doc: 'VirtualNetwork (true) or DirectAttached (false) ranges' }),
    vlanid: p.uuid({ entity: 'VlanIpRange', doc: 'Only IPs of this range' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only IPs of this zone' }),
    associatednetworkid: p.uuid({ entity: 'Network', doc: 'Only IPs associated with this network' }),
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', doc: 'Only IPs of this physical network' }),
    issourcenat: p.boolean({ doc: 'Only source NAT IPs' }),
    isstaticnat: p.boolean({ doc: 'Only static NAT IPs' }),
    forsystemvms: p.boolean({ doc: 'Only IPs reserved for system VMs' }),
    forloadbalancing: p.boolean({ doc: 'Ignored' }),
  },
  response: listOf(publicIpAddressResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    const r = await ctx.services.publicIps.list(scope, {
      id: q.id, ipAddress: q.ipaddress, allocatedOnly: q.allocatedonly, state: q.state, forVirtualNetwork: q.forvirtualnetwork, vlanId: q.vlanid, zoneId: q.zoneid,
      associatedNetworkId: q.associatednetworkid, physicalNetworkId: q.physicalnetworkid, isSourceNat: q.issourcenat, isStaticNat: q.isstaticnat, forSystemVms: q.forsystemvms,
      keyword: q.keyword,
    }, pageOf(ctx, q), ctx.caller);
    const admin = isRootAdmin(ctx.caller);
    return { items: r.rows.map((i) => toIpAddress(i, admin)), count: r.count };
  },
});
