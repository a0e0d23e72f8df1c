import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'quotaTariffDelete',
  description: 'Removes a tariff from now on (statements of earlier periods still use it).',
  since: '4.18.0.0',
  roles: ['Admin'],
  async: false,
  params: { id: p.string({ required: true, doc: 'The tariff' }) },
  response: success,
  async handler(ctx, q) {
    await ctx.services.quota.remove(ctx.caller, q.id);
    return { success: true };
  },
});
