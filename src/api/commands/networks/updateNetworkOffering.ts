import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { networkOfferingResponse, toNetworkOffering } from '../../responses/networks.js';

export default defineCommand({
  name: 'updateNetworkOffering',
  description: 'Updates name, display text, availability, state, sort key or tags of a network offering.',
  roles: ['Admin'],
  async: false,
  event: 'NETWORK.OFFERING.EDIT',
  params: {
    id: p.uuid({ entity: 'NetworkOffering', doc: 'The offering' }),
    name: p.string({ doc: 'New name' }),
    displaytext: p.string({ doc: 'New display text' }),
    availability: p.string({ doc: 'Required or Optional' }),
    sortkey: p.integer({ doc: 'Sort key' }),
    state: p.string({ doc: 'Enabled or Disabled' }),
    maxconnections: p.integer({ doc: 'Max LB connections' }),
    tags: p.string({ doc: 'Tags' }),
  },
  response: objectOf(networkOfferingResponse),
  async handler(ctx, q) {
    if (q.id === undefined) throw paramError('Unable to find network offering by id');
    return toNetworkOffering(await ctx.services.networkOfferings.update(q.id, { name: q.name, displayText: q.displaytext, availability: q.availability, state: q.state, sortKey: q.sortkey, tags: q.tags, maxConnections: q.maxconnections }));
  },
});
