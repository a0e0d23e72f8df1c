import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { physicalNetworkResponse, toPhysicalNetwork } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'createPhysicalNetwork',
  description: 'Creates a physical network in a zone, with its default service providers (Disabled) and optional guest VLAN range.',
  roles: ['Admin'],
  async: 'create',
  event: 'PHYSICAL.NETWORK.CREATE',
  instanceType: 'PhysicalNetwork',
  resumable: true,
  params: {
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'The zone' }),
    name: p.string({ required: true, doc: 'Name of the physical network' }),
    vlan: p.string({ doc: 'Guest VLAN range(s), e.g. 100-200' }),
    networkspeed: p.string({ doc: 'Speed of the network (e.g. 1G)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Dedicate to this domain' }),
    broadcastdomainrange: p.string({ doc: 'ZONE (Advanced default) or POD (Basic)' }),
    tags: p.stringList({ doc: 'One tag of the physical network' }),
    isolationmethods: p.stringList({ doc: 'Isolation method (VLAN by default)' }),
  },
  response: objectOf(physicalNetworkResponse),
  async create(ctx, q) {
    const n = await ctx.services.physicalNetworks.create({ zoneId: q.zoneid, name: q.name, vlan: q.vlan, networkSpeed: q.networkspeed, domainId: q.domainid, broadcastDomainRange: q.broadcastdomainrange, tags: q.tags, isolationMethods: q.isolationmethods });
    return { uuid: n.uuid, ref: { id: n.id } };
  },
  async handler(ctx, _q, created) {
    return toPhysicalNetwork(await ctx.services.physicalNetworks.get(Number(created!.ref!['id'])));
  },
});
