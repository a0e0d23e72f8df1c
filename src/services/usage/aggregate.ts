/**
 * One period's records: the usage intervals overlapping it, clipped to each window of the
 * period (the period itself, or its pieces between aggregation-TZ midnights), summed per
 * resource and billing attributes; plus the network bytes counted in the window. Intervals are
 * read in id-ordered pages so memory holds one page and one entry per billed resource, never
 * the whole history.
 */
import type { Db } from '../../db/dialect.js';
import { USAGE } from './usage-types.js';

export interface NewUsageRecord {
  period_id: number; account_id: number; domain_id: number; zone_uuid: string | null; usage_type: number; usage_id: string; vm_uuid: string | null; name: string | null;
  offering_uuid: string | null; template_uuid: string | null; size: number | null; extra: string | null; raw: number; description: string; start_ms: number; end_ms: number;
}

const PAGE = 2000;

function describe(r: Omit<NewUsageRecord, 'description'>): string {
  const x = r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : {};
  switch (r.usage_type) {
    case USAGE.RUNNING_VM: return `${r.name} running time (ServiceOffering: ${r.offering_uuid}) (Template: ${r.template_uuid})`;
    case USAGE.ALLOCATED_VM: return `${r.name} allocated time (ServiceOffering: ${r.offering_uuid}) (Template: ${r.template_uuid})`;
    case USAGE.IP_ADDRESS: return `IPAddress: ${r.name}`;
    case USAGE.NETWORK_BYTES_SENT: return `Bytes sent by network ID ${r.usage_id}`;
    case USAGE.NETWORK_BYTES_RECEIVED: return `Bytes received by network ID ${r.usage_id}`;
    case USAGE.VOLUME: return `Volume Id: ${r.usage_id} usage time (DiskOffering: ${r.offering_uuid ?? 'none'}) (Template: ${r.template_uuid ?? 'none'})`;
    case USAGE.TEMPLATE: return `Template Id: ${r.usage_id} usage time`;
    case USAGE.ISO: return `ISO Id: ${r.usage_id} usage time`;
    case USAGE.SNAPSHOT: return `Snapshot Id: ${r.usage_id} usage time`;
    case USAGE.SECURITY_GROUP: return `Security Group: ${r.usage_id} for Vm : ${r.vm_uuid} usage time`;
    case USAGE.LOAD_BALANCER_POLICY: return `Load Balancing Policy: ${r.usage_id} usage time`;
    case USAGE.PORT_FORWARDING_RULE: return `Port Forwarding Rule: ${r.usage_id} usage time`;
    case USAGE.NETWORK_OFFERING: return `Network offering: ${r.offering_uuid} for Vm : ${r.vm_uuid} usage time${x['isdefault'] ? ' (default)' : ''}`;
    case USAGE.VPN_USERS: return `VPN User: ${r.name}, Id: ${r.usage_id} usage time`;
    default: return `Usage type ${r.usage_type} of ${r.usage_id}`;
  }
}

export async function aggregatePeriod(db: Db, periodId: number, windows: Array<[number, number]>): Promise<NewUsageRecord[]> {
  const start = windows[0]![0];
  const end = windows[windows.length - 1]![1];
  const sums = new Map<string, Omit<NewUsageRecord, 'description'>>();
  let after = 0;
  for (;;) {
    const page = await db.kysely.selectFrom('usage_intervals').selectAll().where('id', '>', after).where('start_ms', '<', end)
      .where((eb) => eb.or([eb('end_ms', 'is', null), eb('end_ms', '>', start)])).orderBy('id').limit(PAGE).execute();
    for (const iv of page) {
      const s = Number(iv.start_ms);
      const e = iv.end_ms === null ? Infinity : Number(iv.end_ms);
      for (const [a, b] of windows) {
        const ms = Math.min(e, b) - Math.max(s, a);
        if (ms <= 0) continue;
        const k = `${a}|${iv.usage_type}|${iv.usage_id}|${iv.zone_uuid}|${iv.account_id}|${iv.offering_uuid}|${iv.template_uuid}|${iv.size}|${iv.vm_uuid}|${iv.name}|${iv.extra}`;
        const cur = sums.get(k);
        if (cur) cur.raw += ms;
        else sums.set(k, {
          period_id: periodId, account_id: Number(iv.account_id), domain_id: Number(iv.domain_id), zone_uuid: iv.zone_uuid, usage_type: Number(iv.usage_type), usage_id: iv.usage_id,
          vm_uuid: iv.vm_uuid, name: iv.name, offering_uuid: iv.offering_uuid, template_uuid: iv.template_uuid, size: iv.size === null ? null : Number(iv.size), extra: iv.extra,
          raw: ms, start_ms: a, end_ms: b,
        });
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  for (const [a, b] of windows) {
    const bytes = await db.kysely.selectFrom('usage_network_bytes').select(['account_id', 'domain_id', 'zone_uuid', 'network_uuid'])
      .select((eb) => [eb.fn.sum<number>('sent').as('sent'), eb.fn.sum<number>('received').as('received')])
      .where('at_ms', '>=', a).where('at_ms', '<', b).groupBy(['account_id', 'domain_id', 'zone_uuid', 'network_uuid']).execute();
    for (const n of bytes) {
      for (const [type, raw] of [[USAGE.NETWORK_BYTES_SENT, Number(n.sent)], [USAGE.NETWORK_BYTES_RECEIVED, Number(n.received)]] as const) {
        if (raw <= 0) continue;
        sums.set(`${a}|${type}|${n.network_uuid}|${n.account_id}`, {
          period_id: periodId, account_id: Number(n.account_id), domain_id: Number(n.domain_id), zone_uuid: n.zone_uuid, usage_type: type, usage_id: n.network_uuid,
          vm_uuid: null, name: null, offering_uuid: null, template_uuid: null, size: null, extra: JSON.stringify({ networkid: n.network_uuid }), raw, start_ms: a, end_ms: b,
        });
      }
    }
  }
  return [...sums.values()].map((r) => ({ ...r, description: describe(r) }));
}
