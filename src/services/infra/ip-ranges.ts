/**
 * Validation shared by pod private ranges and VLAN/public IP ranges: well-formed addresses,
 * a contiguous netmask, start ≤ end inside the gateway's subnet and the gateway outside the
 * range; and overlap checks against the ranges already in the database.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import { paramError } from '../../api/errors.js';
import { formatCidr, formatIp, netmaskToPrefix, parseIp, prefixToMask, rangesOverlap, rangeSize, type IpRange } from './ipv4.js';

/** Largest range accepted in one call (one row per address is created). */
export const MAX_RANGE_SIZE = 65536;

export interface CheckedRange extends IpRange {
  gateway: string;
  netmask: string;
  cidr: string;
  startIp: string;
  endIp: string;
}

export function checkRange(p: { gateway?: string | undefined; netmask?: string | undefined; startip?: string | undefined; endip?: string | undefined }, what = 'IP range'): CheckedRange {
  if (!p.gateway) throw paramError(`gateway is required for the ${what}`);
  if (!p.netmask) throw paramError(`netmask is required for the ${what}`);
  if (!p.startip) throw paramError(`startip is required for the ${what}`);
  const gw = parseIp(p.gateway);
  if (gw === undefined) throw paramError(`Please specify a valid gateway: ${p.gateway}`);
  const prefix = netmaskToPrefix(p.netmask);
  if (prefix === undefined || prefix === 0) throw paramError(`Please specify a valid netmask: ${p.netmask}`);
  const start = parseIp(p.startip);
  if (start === undefined) throw paramError(`Please specify a valid start IP: ${p.startip}`);
  const endRaw = p.endip || p.startip;
  const end = parseIp(endRaw);
  if (end === undefined) throw paramError(`Please specify a valid end IP: ${endRaw}`);
  if (start > end) throw paramError(`Please specify a valid IP range: start IP ${p.startip} is greater than end IP ${endRaw}`);
  const mask = prefixToMask(prefix);
  const net = (gw & mask) >>> 0;
  if (((start & mask) >>> 0) !== net || ((end & mask) >>> 0) !== net) {
    throw paramError(`The IP range ${p.startip}-${endRaw} is not in the subnet of gateway ${p.gateway} and netmask ${p.netmask}`);
  }
  if (gw >= start && gw <= end) throw paramError(`The gateway ${p.gateway} must not be part of the IP range ${p.startip}-${endRaw}`);
  if (rangeSize({ start, end }) > MAX_RANGE_SIZE) throw paramError(`The IP range ${p.startip}-${endRaw} is too large; at most ${MAX_RANGE_SIZE} addresses per range`);
  return { gateway: p.gateway, netmask: p.netmask, cidr: formatCidr({ network: net, prefix }), start, end, startIp: formatIp(start), endIp: formatIp(end) };
}

const rangeOf = (s: string | null, e: string | null): IpRange | undefined => {
  const a = s === null ? undefined : parseIp(s);
  const b = e === null ? undefined : parseIp(e);
  return a === undefined || b === undefined ? undefined : { start: a, end: b };
};

/**
 * The first existing range overlapping `r`, described for an error message: VLAN ranges of
 * the zone, public ranges of every zone (public addresses are unique cloud-wide) and pod
 * private ranges of the zone (private addresses are checked cloud-wide by the unique index).
 */
export async function findOverlap(
  k: Kysely<Database>,
  r: IpRange,
  o: { zoneId: number; publicRange: boolean; exceptVlanId?: number; exceptPodId?: number },
): Promise<string | undefined> {
  let vq = k
    .selectFrom('vlans as v')
    .innerJoin('zones as z', 'z.id', 'v.zone_id')
    .select(['v.id', 'v.start_ip', 'v.end_ip', 'v.vlan_type', 'v.zone_id', 'z.name as zone_name'])
    .where('v.removed', 'is', null);
  vq = o.publicRange ? vq.where((eb) => eb.or([eb('v.zone_id', '=', o.zoneId), eb('v.vlan_type', '=', 'VirtualNetwork')])) : vq.where('v.zone_id', '=', o.zoneId);
  for (const v of await vq.execute()) {
    if (v.id === o.exceptVlanId) continue;
    const x = rangeOf(v.start_ip, v.end_ip);
    if (x && rangesOverlap(r, x)) return `the IP range ${v.start_ip}-${v.end_ip} of zone ${v.zone_name}`;
  }
  const pods = await k.selectFrom('pods').select(['id', 'name', 'start_ip', 'end_ip']).where('zone_id', '=', o.zoneId).where('removed', 'is', null).execute();
  for (const p of pods) {
    if (p.id === o.exceptPodId) continue;
    const x = rangeOf(p.start_ip, p.end_ip);
    if (x && rangesOverlap(r, x)) return `the private IP range ${p.start_ip}-${p.end_ip} of pod ${p.name}`;
  }
  return undefined;
}

/** Inserts rows in batches (one statement per batch keeps 65k-address ranges fast). */
export async function insertBatches<T extends keyof Database & string>(k: Kysely<Database>, table: T, rows: Array<Record<string, unknown>>, size = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    await k.insertInto(table).values(rows.slice(i, i + size) as never).execute();
  }
}
