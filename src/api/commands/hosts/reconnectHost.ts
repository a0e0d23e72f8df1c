import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { hostResponse } from '../../responses/host.js';
import { hostWires } from './host-common.js';

export default defineCommand({
  name: 'reconnectHost',
  description: 'Drops a host\'s agent connection and waits until the agent has registered again.',
  roles: ['Admin'],
  async: true,
  event: 'HOST.RECONNECT',
  instanceType: 'Host',
  params: { id: p.uuid({ entity: 'Host', required: true, doc: 'The host' }) },
  response: objectOf(hostResponse),
  async prepare(ctx, q) {
    const h = await ctx.services.hosts.get(q.id);
    return { instanceUuid: h.uuid };
  },
  async handler(ctx, q) {
    const h = await ctx.services.hosts.reconnect(ctx.caller, q.id);
    return (await hostWires(ctx, [h]))[0]!;
  },
});
