import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteTrafficType',
  description: 'Removes a traffic type from its physical network when no network of that type uses it.',
  roles: ['Admin'],
  async: true,
  event: 'TRAFFIC.TYPE.DELETE',
  instanceType: 'TrafficType',
  params: { id: p.uuid({ entity: 'TrafficType', required: true, doc: 'The traffic type' }) },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networkProviders.trafficType(q.id)).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.networkProviders.deleteTrafficType(q.id);
    return { success: true };
  },
});
