import { hostAction } from './host-action.js';

export default hostAction({
  name: 'reconnectHost',
  description: 'Drops a host\'s agent connection and waits until the agent has registered again.',
  event: 'HOST.RECONNECT',
  run: (ctx, id) => ctx.services.hosts.reconnect(ctx.caller, id),
});
