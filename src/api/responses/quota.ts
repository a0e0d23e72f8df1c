/** Wire shapes of the Quota plugin: tariffs, statements, credits, balances and summaries. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { StatementLine, TariffRow } from '../../services/usage/quota.service.js';
import type { BalanceView, CreditRow, SummaryRow } from '../../services/usage/quota-credits.service.js';
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

export const quotaCreditsResponse = defineResponse({
  objectName: 'quotacredits',
  className: 'QuotaCreditsResponse',
  fields: { credit: 'double', creditoruserid: 'string', creditorusername: 'string', creditedon: 'date', currency: 'string' },
});

export function toQuotaCredit(c: CreditRow): Wire {
  return { credit: c.credit, creditoruserid: c.creditor_uuid ?? undefined, creditorusername: c.creditor_name ?? undefined, creditedon: wireDate(c.created), currency: CURRENCY };
}

/** CloudStack's QuotaBalanceResponse names the account and domain by their internal ids. */
export const quotaBalanceResponse = defineResponse({
  objectName: 'balance',
  className: 'QuotaBalanceResponse',
  fields: { accountid: 'long', account: 'string', domain: 'long', startquota: 'double', endquota: 'double', credits: 'list', startdate: 'date', enddate: 'date', currency: 'string' },
});

export function toQuotaBalance(a: { id: number; name: string; domainId: number }, b: BalanceView): Wire {
  return {
    accountid: a.id, account: a.name, domain: a.domainId, startquota: b.startQuota, endquota: b.endQuota, credits: b.credits.map(toQuotaCredit),
    startdate: wireDate(b.start), enddate: wireDate(b.end), currency: CURRENCY,
  };
}

export const quotaSummaryResponse = defineResponse({
  objectName: 'summary',
  className: 'QuotaSummaryResponse',
  fields: {
    accountid: 'string', account: 'string', domainid: 'string', domain: 'string', balance: 'double', state: 'string', quota: 'double', startdate: 'date', enddate: 'date',
    currency: 'string', quotaenabled: 'boolean',
  },
});

export function toQuotaSummary(r: SummaryRow): Wire {
  return {
    accountid: r.account_uuid, account: r.account_name, domainid: r.domain_uuid, domain: r.domain_name, balance: r.balance, state: r.state, quota: r.quota,
    startdate: wireDate(r.start), enddate: wireDate(r.end), currency: CURRENCY, quotaenabled: true,
  };
}
