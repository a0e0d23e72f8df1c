import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { physicalNetworkResponse, toPhysicalNetwork } from '../../responses/infra-network.js';

export default defineCommand({
  name: 'updatePhysicalNetwork',
  description: 'Updates a physical network: state, speed, tag, or its guest VLAN range (VLANs in use cannot be removed).',
  roles: ['Admin'],
  async: true,
  event: 'PHYSICAL.NETWORK.UPDATE',
  instanceType: 'PhysicalNetwork',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'PhysicalNetwork', required: true, doc: 'The physical network' }),
    networkspeed: p.string({ doc: 'Speed of the network' }),
    tags: p.stringList({ doc: 'One tag of the physical network' }),
    state: p.string({ doc: 'Enabled or Disabled' }),
    vlan: p.string({ doc: 'The complete guest VLAN range(s), e.g. 100-200;300-310' }),
  },
  response: objectOf(physicalNetworkResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.physicalNetworks.get(q.id)).uuid };
  },
  async handler(ctx, q) {
    return toPhysicalNetwork(await ctx.services.physicalNetworks.update(q.id, { networkSpeed: q.networkspeed, tags: q.tags, state: q.state, vlan: q.vlan }));
  },
});
