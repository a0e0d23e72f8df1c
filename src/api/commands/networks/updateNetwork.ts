import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { networkResponse, toNetwork } from '../../responses/networks.js';
import { isRootAdmin } from '../../../services/caller.js';

export default defineCommand({
  name: 'updateNetwork',
  description: 'Updates the name, display text or network domain of a guest network.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NETWORK.UPDATE',
  instanceType: 'Network',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'Network', required: true, doc: 'The network' }),
    name: p.string({ doc: 'New name' }),
    displaytext: p.string({ doc: 'New display text' }),
    networkdomain: p.string({ doc: 'New DNS domain (needs a restart)' }),
  },
  response: objectOf(networkResponse),
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networks.getAccessible(ctx.caller, q.id)).uuid };
  },
  async handler(ctx, q) {
    return toNetwork(await ctx.services.networks.update(ctx.caller, q.id, { name: q.name, displayText: q.displaytext, networkDomain: q.networkdomain }), isRootAdmin(ctx.caller));
  },
});
