import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { networkResponse, toNetwork } from '../../responses/networks.js';
import { accountListParams, pageOf, scopeOf } from '../common.js';
import { isRootAdmin } from '../../../services/caller.js';

export default defineCommand({
  name: 'listNetworks',
  description: "Lists guest networks the caller may see: its own and its domain's shared networks by default.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'Network', doc: 'Only this network' }),
    name: p.string({ doc: 'Only networks with this name' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only networks of this zone' }),
    type: p.string({ doc: 'Isolated or Shared' }),
    issystem: p.boolean({ doc: 'System networks (none are listed)' }),
    acltype: p.string({ doc: 'Account or Domain' }),
    traffictype: p.string({ doc: 'Traffic type' }),
    physicalnetworkid: p.uuid({ entity: 'PhysicalNetwork', doc: 'Physical network' }),
    supportedservices: p.stringList({ doc: 'Networks offering all these services' }),
    restartrequired: p.boolean({ doc: 'Networks needing a restart' }),
    specifyipranges: p.boolean({ doc: 'Networks whose offering takes IP ranges' }),
    canusefordeploy: p.boolean({ doc: 'Networks usable for deployment' }),
    forvpc: p.boolean({ doc: 'VPC tiers (none)' }),
    networkofferingid: p.uuid({ entity: 'NetworkOffering', doc: 'Networks of this offering' }),
    vlan: p.string({ roles: ['Admin'], doc: 'Networks on this VLAN (admins)' }),
  },
  response: listOf(networkResponse),
  async handler(ctx, q) {
    const scope = await scopeOf(ctx, q);
    const r = await ctx.services.networks.list(ctx.caller, scope, {
      id: q.id, name: q.name, zoneId: q.zoneid, type: q.type, isSystem: q.issystem, aclType: q.acltype, trafficType: q.traffictype, physicalNetworkId: q.physicalnetworkid,
      supportedServices: q.supportedservices, restartRequired: q.restartrequired, specifyIpRanges: q.specifyipranges, canUseForDeploy: q.canusefordeploy,
      forVpc: q.forvpc, networkOfferingId: q.networkofferingid, vlan: q.vlan, keyword: q.keyword,
    }, pageOf(ctx, q));
    const admin = isRootAdmin(ctx.caller);
    return { items: r.rows.map((n) => toNetwork(n, admin)), count: r.count };
  },
});
