/**
 * Guest VLAN ranges of a physical network ("100-200;300-310" or "100-200,300"): parsing and
 * the `op_dc_vnet_alloc` rows they become, allocated later to isolated guest networks.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { DialectName } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';
import { CloudError, paramError } from '../../api/errors.js';
import { insertBatches } from './ip-ranges.js';

export type VlanRange = [start: number, end: number];

/** Parses and merges VLAN ranges; 431 on anything outside 1–4094 or malformed. */
export function parseVlanRanges(s: string): VlanRange[] {
  const out: VlanRange[] = [];
  for (const part of s.split(/[;,]/).map((x) => x.trim()).filter((x) => x !== '')) {
    const m = /^(\d{1,4})(?:\s*-\s*(\d{1,4}))?$/.exec(part);
    if (!m) throw paramError(`Please specify a valid VLAN range: ${part} (e.g. 100-200)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b > 4094) throw paramError(`VLAN range ${part} must be within 1-4094`);
    if (a > b) throw paramError(`Invalid VLAN range ${part}: the start VLAN is greater than the end VLAN`);
    out.push([a, b]);
  }
  out.sort((x, y) => x[0] - y[0]);
  const merged: VlanRange[] = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

export const formatVlanRanges = (rs: VlanRange[]) => rs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(';');

export function vlansOf(rs: VlanRange[]): Set<number> {
  const s = new Set<number>();
  for (const [a, b] of rs) for (let v = a; v <= b; v++) s.add(v);
  return s;
}

/**
 * Makes the network's vnet rows exactly `wanted`: adds the new ones and removes the dropped
 * ones, refusing (431) to drop a VLAN that a guest network holds.
 */
export async function syncVnets(trx: Kysely<Database>, zoneId: number, physicalNetworkId: number, wanted: Set<number>): Promise<void> {
  const rows = await trx.selectFrom('op_dc_vnet_alloc').select(['id', 'vnet', 'taken']).where('physical_network_id', '=', physicalNetworkId).execute();
  const have = new Map(rows.map((r) => [Number(r.vnet), r]));
  const drop = rows.filter((r) => !wanted.has(Number(r.vnet)));
  const taken = drop.filter((r) => r.taken !== null).map((r) => r.vnet);
  if (taken.length) throw paramError(`Cannot remove VLAN(s) ${taken.slice(0, 10).join(',')} from the range: they are allocated to guest networks`);
  for (let i = 0; i < drop.length; i += 500) {
    await trx.deleteFrom('op_dc_vnet_alloc').where('id', 'in', drop.slice(i, i + 500).map((r) => r.id)).execute();
  }
  const fresh = [...wanted].filter((v) => !have.has(v));
  // The other way round from createVlanIpRange's check: an IP range's VLAN is not a guest VLAN.
  const ranges = await trx.selectFrom('vlans').select('vlan_tag').where('zone_id', '=', zoneId).where('removed', 'is', null).where('vlan_tag', '!=', 'untagged').execute();
  const clash = ranges.map((r) => Number(r.vlan_tag.replace('vlan://', ''))).filter((v) => fresh.includes(v));
  if (clash.length) throw paramError(`The guest VLAN range includes VLAN ${clash[0]}, which an IP range of the zone uses`);
  const add = fresh.map((v) => ({ zone_id: zoneId, physical_network_id: physicalNetworkId, vnet: String(v), account_id: null, network_id: null, taken: null }));
  await insertBatches(trx, 'op_dc_vnet_alloc', add);
}

/** Takes a free guest VLAN of the physical network for an account's network (533 when none is left). */
export async function allocateVnet(trx: Kysely<Database>, dialect: DialectName, physicalNetworkId: number, accountId: number, networkId: number | null): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await forUpdate(
      trx.selectFrom('op_dc_vnet_alloc').select(['id', 'vnet']).where('physical_network_id', '=', physicalNetworkId).where('taken', 'is', null).orderBy('id').limit(1),
      dialect,
    ).executeTakeFirst();
    if (!row) break;
    const r = await trx.updateTable('op_dc_vnet_alloc').set({ taken: Date.now(), account_id: accountId, network_id: networkId }).where('id', '=', row.id).where('taken', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return row.vnet;
  }
  throw new CloudError('InsufficientCapacity', 'Unable to allocate a guest VLAN: the physical network has no free VLAN left', { scope: 'zone' });
}

export async function releaseVnet(trx: Kysely<Database>, physicalNetworkId: number, vnet: string): Promise<void> {
  await trx.updateTable('op_dc_vnet_alloc').set({ taken: null, account_id: null, network_id: null }).where('physical_network_id', '=', physicalNetworkId).where('vnet', '=', vnet).execute();
}
