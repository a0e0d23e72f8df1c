import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'restartNetwork',
  description: 'Restarts a guest network (cleanup=true shuts it down first); its rules are re-applied.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: true,
  event: 'NETWORK.RESTART',
  instanceType: 'Network',
  resumable: true,
  params: {
    id: p.uuid({ entity: 'Network', required: true, doc: 'The network' }),
    cleanup: p.boolean({ doc: 'Shut the network down before implementing it again' }),
  },
  response: success,
  async prepare(ctx, q) {
    return { instanceUuid: (await ctx.services.networks.getAccessible(ctx.caller, q.id)).uuid };
  },
  async handler(ctx, q) {
    await ctx.services.networks.restart(ctx.caller, q.id, q.cleanup === true);
    return { success: true };
  },
});
