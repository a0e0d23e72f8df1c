/** Wire shapes of usage records and usage types. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { UsageRecordRow } from '../../services/usage/usage-query.service.js';
import { usageType, type UsageTypeDef } from '../../services/usage/usage-types.js';
import { displayPath } from './identity.js';

export const usageRecordResponse = defineResponse({
  objectName: 'usagerecord',
  className: 'UsageRecordResponse',
  fields: {
    account: 'string', accountid: 'string', domainid: 'string', domain: 'string', domainpath: 'string', zoneid: 'string', description: 'string', usage: 'string',
    usagetype: 'integer', rawusage: 'string', virtualmachineid: 'string', name: 'string', offeringid: 'string', templateid: 'string', usageid: 'string', type: 'string',
    size: 'long', cpunumber: 'long', cpuspeed: 'long', memory: 'long', startdate: 'date', enddate: 'date', issourcenat: 'boolean', issystem: 'boolean',
    networkid: 'string', isdefault: 'boolean',
  },
});

/** CloudStack prints usage with at most six decimals and no trailing zeros ("#.######"). */
export function usageNumber(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

export function toUsageRecord(r: UsageRecordRow): Wire {
  const bytes = usageType(Number(r.usage_type))?.unit === 'bytes';
  const raw = Number(r.raw);
  const x = r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : {};
  const hours = raw / 3_600_000;
  return {
    account: r.account_name, accountid: r.account_uuid, domainid: r.domain_uuid, domain: r.domain_name, domainpath: displayPath(r.domain_path), zoneid: r.zone_uuid ?? undefined,
    description: r.description, usage: bytes ? `${raw} bytes ${Number(r.usage_type) === 4 ? 'sent' : 'received'}` : `${usageNumber(hours)} Hrs`, usagetype: Number(r.usage_type),
    rawusage: bytes ? String(raw) : usageNumber(hours), virtualmachineid: r.vm_uuid ?? undefined, name: r.name ?? undefined, offeringid: r.offering_uuid ?? undefined,
    templateid: r.template_uuid ?? undefined, usageid: r.usage_id, type: x['type'], size: r.size === null ? undefined : Number(r.size),
    cpunumber: x['cpunumber'], cpuspeed: x['cpuspeed'], memory: x['memory'], startdate: wireDate(Number(r.start_ms)), enddate: wireDate(Number(r.end_ms)),
    issourcenat: x['issourcenat'], issystem: x['issystem'], networkid: x['networkid'], isdefault: x['isdefault'],
  };
}

export const usageTypeResponse = defineResponse({ objectName: 'usagetype', className: 'UsageTypeResponse', fields: { id: 'integer', name: 'string', description: 'string' } });

export function toUsageType(t: UsageTypeDef): Wire {
  return { id: t.id, name: t.name, description: t.description };
}
