/** Wire shapes of the Quota plugin: tariffs and statements. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { StatementLine, TariffRow } from '../../services/usage/quota.service.js';
import { quotaUnit } from '../../services/usage/quota.service.js';
import { usageType } from '../../services/usage/usage-types.js';

/** Nimbo prices have no currency of their own; CloudStack's default symbol. */
export const CURRENCY = '$';

export const quotaTariffResponse = defineResponse({
  objectName: 'quotatariff',
  className: 'QuotaTariffResponse',
  fields: {
    id: 'string', name: 'string', description: 'string', usageType: 'integer', usageName: 'string', usageUnit: 'string', usageDiscriminator: 'string', tariffValue: 'double',
    usageTypeDescription: 'string', currency: 'string', effectiveDate: 'date', endDate: 'date', removed: 'date', position: 'integer',
  },
});

export function toQuotaTariff(t: TariffRow): Wire {
  const type = usageType(Number(t.usage_type));
  return {
    id: t.uuid, name: t.name, description: t.description ?? undefined, usageType: Number(t.usage_type), usageName: type?.name, usageUnit: quotaUnit(Number(t.usage_type)),
    usageDiscriminator: '', tariffValue: Number(t.value), usageTypeDescription: type?.description, currency: CURRENCY, effectiveDate: wireDate(Number(t.effective_ms)),
    endDate: t.end_ms === null ? undefined : wireDate(Number(t.end_ms)), removed: t.removed === null ? undefined : wireDate(Number(t.removed)), position: Number(t.position),
  };
}

export const quotaStatementResponse = defineResponse({
  objectName: 'statement',
  className: 'QuotaStatementResponse',
  fields: { account: 'string', quotausage: 'list', totalquota: 'double', startdate: 'date', enddate: 'date', currency: 'string' },
});

export function toQuotaStatement(account: string, lines: StatementLine[], start: Date, end: Date): Wire {
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    account,
    quotausage: lines.map((l) => ({ type: l.usageType, account, name: usageType(l.usageType)?.name, unit: quotaUnit(l.usageType), quota: round(l.quota) })),
    totalquota: round(lines.reduce((a, l) => a + l.quota, 0)), startdate: wireDate(start.getTime()), enddate: wireDate(end.getTime()), currency: CURRENCY,
  };
}
