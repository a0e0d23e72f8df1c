import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { quotaTariffResponse, toQuotaTariff } from '../../responses/quota.js';

export default defineCommand({
  name: 'quotaTariffUpdate',
  description: 'Changes a tariff: the active tariff of that name ends and a successor with the changes takes over, so past statements keep their price.',
  since: '4.7.0',
  roles: ['Admin'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Name of the active tariff' }),
    value: p.double({ doc: 'New price of one unit' }),
    usagetype: p.integer({ doc: 'Deprecated in CloudStack: the usage type it prices' }),
    description: p.string({ doc: 'New description (empty removes it)' }),
    startdate: p.date({ doc: 'When the new price takes effect (default: now)' }),
    enddate: p.date({ doc: 'Effective until' }),
    position: p.integer({ doc: 'Order among tariffs of the same type' }),
    activationrule: p.string({ doc: 'Not supported: a non-empty rule is refused' }),
  },
  response: objectOf(quotaTariffResponse),
  async handler(ctx, q) {
    if (q.activationrule) throw paramError('Activation rules are not supported; a tariff applies to every record of its usage type');
    return toQuotaTariff(await ctx.services.quota.update(ctx.caller, { name: q.name, usageType: q.usagetype, value: q.value, description: q.description, start: q.startdate, end: q.enddate, position: q.position }));
  },
});
