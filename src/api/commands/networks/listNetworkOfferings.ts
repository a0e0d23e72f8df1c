import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { networkOfferingResponse, toNetworkOffering } from '../../responses/networks.js';
import { listParams, listResult, pageOf } from '../common.js';
import { isAnyAdmin } from '../../../services/caller.js';

export default defineCommand({
  name: 'listNetworkOfferings',
  description: 'Lists network offerings (users see Enabled ones).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    id: p.uuid({ entity: 'NetworkOffering', doc: 'Only this offering' }),
    name: p.string({ doc: 'Only the offering with this name' }),
    guestiptype: p.string({ doc: 'Shared or Isolated' }),
    traffictype: p.string({ doc: 'Traffic type (Guest)' }),
    state: p.string({ doc: 'Enabled or Disabled' }),
    isdefault: p.boolean({ doc: 'Only default offerings' }),
    specifyvlan: p.boolean({ doc: 'Only offerings that (do not) take a VLAN' }),
    sourcenatsupported: p.boolean({ doc: 'Only offerings with (without) SourceNat' }),
    supportedservices: p.stringList({ doc: 'Only offerings with all these services' }),
    forvpc: p.boolean({ doc: 'VPC offerings (none)' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Offerings available in this zone (all)' }),
  },
  response: listOf(networkOfferingResponse),
  async handler(ctx, q) {
    if (q.forvpc === true) return { items: [], count: 0 };
    const r = await ctx.services.networkOfferings.list({
      id: q.id, name: q.name, guestType: q.guestiptype, trafficType: q.traffictype, state: q.state, isDefault: q.isdefault, specifyVlan: q.specifyvlan,
      sourceNatSupported: q.sourcenatsupported, supportedServices: q.supportedservices, keyword: q.keyword, forUser: !isAnyAdmin(ctx.caller),
    }, pageOf(ctx, q));
    return listResult(r, toNetworkOffering);
  },
});
