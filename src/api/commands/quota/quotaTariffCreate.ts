import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { quotaTariffResponse, toQuotaTariff } from '../../responses/quota.js';

export default defineCommand({
  name: 'quotaTariffCreate',
  description: 'Creates a tariff: the price of one unit of a usage type (per hour; per GB-hour for volumes, templates, snapshots; per GB of network traffic).',
  since: '4.18.0.0',
  roles: ['Admin'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Unique name of the tariff' }),
    usagetype: p.integer({ required: true, doc: 'The usage type it prices (listUsageTypes)' }),
    value: p.double({ required: true, doc: 'Price of one unit' }),
    description: p.string({ doc: 'Description' }),
    startdate: p.date({ doc: 'Effective from (default: now)' }),
    enddate: p.date({ doc: 'Effective until' }),
    position: p.integer({ doc: 'Order among tariffs of the same type' }),
    activationrule: p.string({ doc: 'Not supported: Nimbo runs no tariff scripts; a non-empty rule is refused' }),
  },
  response: objectOf(quotaTariffResponse),
  async handler(ctx, q) {
    if (q.activationrule) throw paramError('Activation rules are not supported; a tariff applies to every record of its usage type');
    return toQuotaTariff(await ctx.services.quota.create(ctx.caller, { name: q.name, usageType: q.usagetype, value: q.value, description: q.description, start: q.startdate, end: q.enddate, position: q.position }));
  },
});
