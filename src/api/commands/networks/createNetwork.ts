import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { networkResponse, toNetwork } from '../../responses/networks.js';
import { isRootAdmin } from '../../../services/caller.js';

export default defineCommand({
  name: 'createNetwork',
  description: "Creates a guest network: an account's isolated network (CIDR from the zone) or, for admins, a shared network with a VLAN and IP range.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  event: 'NETWORK.CREATE',
  params: {
    name: p.string({ required: true, doc: 'Name of the network' }),
    displaytext: p.string({ doc: 'Display text' }),
    networkofferingid: p.uuid({ entity: 'NetworkOffering', required: true, doc: 'Network offering' }),
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'Zone' }),
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', doc: 'Physical network' }),
    gateway: p.string({ doc: 'Gateway' }),
    netmask: p.string({ doc: 'Netmask' }),
    startip: p.string({ doc: 'First IP of the range (shared)' }),
    endip: p.string({ doc: 'Last IP of the range (shared)' }),
    vlan: p.string({ roles: ['Admin'], doc: 'VLAN tag (shared networks; admins)' }),
    networkdomain: p.string({ doc: 'DNS domain' }),
    acltype: p.string({ doc: 'Account or Domain' }),
    account: p.string({ doc: 'Owner account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Owner domain' }),
  },
  response: objectOf(networkResponse),
  async handler(ctx, q) {
    const n = await ctx.services.networks.create(ctx.caller, {
      name: q.name, displayText: q.displaytext, networkOfferingId: q.networkofferingid, zoneId: q.zoneid, physicalNetworkId: q.physicalnetworkid,
      gateway: q.gateway, netmask: q.netmask, startIp: q.startip, endIp: q.endip, vlan: q.vlan, networkDomain: q.networkdomain, aclType: q.acltype,
      account: q.account, domainId: q.domainid,
    });
    return toNetwork(n, isRootAdmin(ctx.caller));
  },
});
