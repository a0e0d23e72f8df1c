import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { podResponse, toPod } from '../../responses/infra.js';

export default defineCommand({
  name: 'updatePod',
  description: 'Renames a pod, changes its allocation state, or replaces its network while no private IP is in use.',
  roles: ['Admin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'Pod', required: true, doc: 'The pod' }),
    name: p.string({ doc: 'New name' }),
    gateway: p.string({ doc: 'New gateway' }),
    netmask: p.string({ doc: 'New netmask' }),
    startip: p.string({ doc: 'New first private IP' }),
    endip: p.string({ doc: 'New last private IP' }),
    allocationstate: p.string({ doc: 'Enabled or Disabled' }),
  },
  response: objectOf(podResponse),
  async handler(ctx, q) {
    return toPod(await ctx.services.pods.update(ctx.caller, q.id, { name: q.name, gateway: q.gateway, netmask: q.netmask, startIp: q.startip, endIp: q.endip, allocationState: q.allocationstate }));
  },
});
