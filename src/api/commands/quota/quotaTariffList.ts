import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { quotaTariffResponse, toQuotaTariff } from '../../responses/quota.js';
import { listParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'quotaTariffList',
  description: 'Lists the quota tariffs (the price of a unit of each usage type).',
  since: '4.7.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    id: p.string({ doc: 'The tariff with this id' }),
    name: p.string({ doc: 'Tariffs with this name' }),
    usagetype: p.integer({ doc: 'Tariffs of this usage type' }),
    startdate: p.date({ doc: 'Tariffs effective from this date on' }),
    enddate: p.date({ doc: 'Tariffs ending by this date' }),
    listall: p.boolean({ doc: 'Include removed tariffs' }),
    listonlyremoved: p.boolean({ doc: 'Only removed tariffs' }),
  },
  response: listOf(quotaTariffResponse),
  async handler(ctx, q) {
    const r = await ctx.services.quota.list({ id: q.id, name: q.name, usageType: q.usagetype, start: q.startdate, end: q.enddate, listAll: q.listall, onlyRemoved: q.listonlyremoved, keyword: q.keyword }, pageOf(ctx, q));
    return listResult(r, toQuotaTariff);
  },
});
