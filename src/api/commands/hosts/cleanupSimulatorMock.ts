import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';

export default defineCommand({
  name: 'cleanupSimulatorMock',
  description: 'Removes a simulator mock (configureSimulator) from every host.',
  roles: ['Admin'],
  async: false,
  params: { id: p.long({ doc: 'The mock id returned by configureSimulator' }) },
  response: success,
  async handler(ctx, q) {
    if (q.id === undefined) throw paramError('id is required');
    if (!(await ctx.services.simulatorMocks.cleanup(q.id))) throw paramError(`Unable to find simulator mock ${q.id}`);
    return { success: true };
  },
});
