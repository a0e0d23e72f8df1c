/**
 * VLAN/IP ranges: public ranges of virtual-networking zones (source NAT, static NAT…) and
 * direct ranges for shared networks (tagged: zone-wide, possibly dedicated to an account or
 * domain; untagged: per pod). Each address is one `user_ip_addresses` row (state Free).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import { adminEvent } from './infra.queries.js';
import { checkRange, findOverlap, insertBatches, type CheckedRange } from './ip-ranges.js';
import { formatIp, parseIp } from './ipv4.js';

export function vlanQuery(k: Kysely<Database>) {
  return k
    .selectFrom('vlans as v')
    .innerJoin('zones as z', 'z.id', 'v.zone_id')
    .leftJoin('pods as p', 'p.id', 'v.pod_id')
    .leftJoin('physical_networks as n', 'n.id', 'v.physical_network_id')
    .leftJoin('accounts as a', 'a.id', 'v.account_id')
    .leftJoin('domains as d', 'd.id', 'v.domain_id')
    .selectAll('v')
    .select(['z.uuid as zone_uuid', 'p.uuid as pod_uuid', 'p.name as pod_name', 'n.uuid as physical_network_uuid', 'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path'])
    .where('v.removed', 'is', null);
}
export type VlanRow = Awaited<ReturnType<ReturnType<typeof vlanQuery>['executeTakeFirstOrThrow']>>;

export interface VlanRangeInput {
  zoneId?: number | undefined;
  podId?: number | undefined;
  physicalNetworkId?: number | undefined;
  networkId?: number | undefined;
  vlan?: string | undefined;
  gateway?: string | undefined;
  netmask?: string | undefined;
  startIp?: string | undefined;
  endIp?: string | undefined;
  forVirtualNetwork?: boolean | undefined;
  forSystemVms?: boolean | undefined;
  /** Dedication: an account (with its domain) or a whole domain. */
  accountId?: number | undefined;
  domainId?: number | undefined;
}

/** "100", "vlan://100" → "vlan://100"; absent/"untagged" → "untagged". */
export function normaliseVlanTag(v: string | undefined): string {
  if (v === undefined || v.trim() === '' || v.trim().toLowerCase() === 'untagged' || v.trim().toLowerCase() === 'vlan://untagged') return 'untagged';
  const m = /^(?:vlan:\/\/)?(\d{1,4})$/i.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 4094) throw paramError(`Please specify a valid VLAN tag (1-4094 or untagged): ${v}`);
  return `vlan://${Number(m[1])}`;
}

/** A direct range as the networks area needs it to attach the range to a network. */
export interface DirectRangeRef {
  id: number; zoneId: number; tag: string; gateway: string; netmask: string; startIp: string; endIp: string;
  accountId: number | null; domainId: number | null; networkId: number | null;
}

export class VlanRangeService {
  /** Set by the networks area: run in the transactions that create and delete a direct range (the range's network). */
  directRanges: { adopt(trx: Kysely<Database>, caller: Caller, r: DirectRangeRef): Promise<void>; release(trx: Kysely<Database>, caller: Caller, r: DirectRangeRef): Promise<void> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly events: EventService,
  ) {}

  async get(id: number): Promise<VlanRow> {
    const v = await vlanQuery(this.db.kysely).where('v.id', '=', id).executeTakeFirst();
    if (!v) throw paramError(`Unable to find IP range`);
    return v;
  }

  /** Where the range goes: its zone, pod, physical network and type, checked for consistency. */
  private async place(trx: Kysely<Database>, p: VlanRangeInput): Promise<{ zoneId: number; podId: number | null; physicalNetworkId: number | null; vlanType: string; tag: string }> {
    let zoneId = p.zoneId;
    if (p.podId !== undefined) {
      const pod = await trx.selectFrom('pods').select(['zone_id', 'name']).where('id', '=', p.podId).where('removed', 'is', null).executeTakeFirst();
      if (!pod) throw paramError(`Unable to find pod`);
      if (zoneId !== undefined && zoneId !== pod.zone_id) throw paramError(`Pod ${pod.name} does not belong to the given zone`);
      zoneId = pod.zone_id;
    }
    if (zoneId === undefined) throw paramError('Please specify a valid zone id (zoneid or podid)');
    const zone = await forUpdate(trx.selectFrom('zones').select(['id', 'name', 'network_type']).where('id', '=', zoneId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
    if (!zone) throw paramError(`Unable to find zone`);
    const forVirtual = p.forVirtualNetwork ?? (p.networkId === undefined && p.podId === undefined);
    const tag = normaliseVlanTag(p.vlan);
    if (forVirtual && zone.network_type !== 'Advanced') throw paramError(`Public (virtual network) IP ranges need a zone with Advanced networking; zone ${zone.name} is Basic`);
    if (forVirtual && p.podId !== undefined) throw paramError('A public IP range is zone-wide; do not specify a pod');
    if (!forVirtual && tag === 'untagged' && p.podId === undefined && p.networkId === undefined) throw paramError('podid is required for an untagged direct IP range');
    // The seed: untagged direct networking combines with no other type, so it has Basic zones to itself.
    if (zone.network_type === 'Basic' && tag !== 'untagged') throw paramError(`Zone ${zone.name} is Basic (untagged direct networking), which cannot be combined with tagged direct or virtual networking`);
    if (zone.network_type !== 'Basic' && !forVirtual && tag === 'untagged') throw paramError(`Direct untagged network is not supported for the zone ${zone.name} of type ${zone.network_type}`);
    // A host names a VLAN's bridge by its tag: a range on a guest VLAN would join that guest network.
    if (tag !== 'untagged' && (await trx.selectFrom('op_dc_vnet_alloc').select('id').where('zone_id', '=', zone.id).where('vnet', '=', tag.slice('vlan://'.length)).executeTakeFirst())) {
      throw paramError(`The VLAN tag ${tag.slice('vlan://'.length)} is already being used for dynamic VLAN allocation for the guest networks of zone ${zone.name}`);
    }
    let pnId = p.physicalNetworkId ?? null;
    if (pnId !== null) {
      const pn = await trx.selectFrom('physical_networks').select(['zone_id', 'name']).where('id', '=', pnId).where('removed', 'is', null).executeTakeFirst();
      if (!pn || pn.zone_id !== zone.id) throw paramError('The physical network does not belong to the given zone');
    } else {
      // CloudStack puts public ranges on the physical network that carries Public traffic.
      const want = forVirtual ? 'Public' : 'Guest';
      const pns = await trx
        .selectFrom('physical_networks as n')
        .leftJoin('physical_network_traffic_types as t', (j) => j.onRef('t.physical_network_id', '=', 'n.id').on('t.traffic_type', '=', want))
        .select(['n.id', 't.id as tt'])
        .where('n.zone_id', '=', zone.id).where('n.removed', 'is', null).orderBy('n.id')
        .execute();
      pnId = pns.find((x) => x.tt !== null)?.id ?? (pns.length === 1 ? pns[0]!.id : null);
    }
    return { zoneId: zone.id, podId: p.podId ?? null, physicalNetworkId: pnId, vlanType: forVirtual ? 'VirtualNetwork' : 'DirectAttached', tag };
  }

  /** Ranges sharing a VLAN tag in a zone must describe the same subnet and type. */
  private async checkSameVlan(trx: Kysely<Database>, zoneId: number, tag: string, r: CheckedRange, vlanType: string, exceptId?: number): Promise<void> {
    if (tag === 'untagged') return;
    let q = trx.selectFrom('vlans').select(['id', 'gateway', 'netmask', 'vlan_type']).where('zone_id', '=', zoneId).where('vlan_tag', '=', tag).where('removed', 'is', null);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    for (const v of await q.execute()) {
      if (v.vlan_type !== vlanType) throw paramError(`VLAN ${tag} of this zone is already used by a ${v.vlan_type} range`);
      if (v.gateway !== r.gateway || v.netmask !== r.netmask) throw paramError(`The gateway and netmask of a new range of VLAN ${tag} must match the existing ones (${v.gateway}/${v.netmask})`);
    }
  }

  private async addAddresses(trx: Kysely<Database>, vlanId: number, zoneId: number, pnId: number | null, forSystemVms: boolean, start: number, end: number): Promise<void> {
    const rows: Array<Record<string, unknown>> = [];
    for (let n = start; n <= end; n++) {
      rows.push({
        uuid: randomUUID(), public_ip_address: formatIp(n), vlan_id: vlanId, zone_id: zoneId, physical_network_id: pnId, state: 'Free',
        account_id: null, domain_id: null, allocated: null, source_nat: 0, network_id: null, vpc_id: null, vm_id: null, vm_ip: null,
        one_to_one_nat: 0, is_system: 0, for_system_vms: forSystemVms ? 1 : 0, removed: null,
      });
    }
    await insertBatches(trx, 'user_ip_addresses', rows, 400);
  }

  async create(caller: Caller, p: VlanRangeInput): Promise<VlanRow> {
    if (p.accountId !== undefined && p.domainId === undefined) throw paramError('domainid is required with account');
    const r = checkRange({ gateway: p.gateway, netmask: p.netmask, startip: p.startIp, endip: p.endIp });
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const at = await this.place(trx, p);
      const clash = await findOverlap(trx, r, { zoneId: at.zoneId, publicRange: at.vlanType === 'VirtualNetwork' });
      if (clash) throw paramError(`The IP range ${r.startIp}-${r.endIp} overlaps with ${clash}`);
      await this.checkSameVlan(trx, at.zoneId, at.tag, r, at.vlanType);
      const newId = await insertId(trx, this.db.dialect, 'vlans', {
        uuid, vlan_tag: at.tag, gateway: r.gateway, netmask: r.netmask, cidr: r.cidr, start_ip: r.startIp, end_ip: r.endIp,
        zone_id: at.zoneId, pod_id: at.podId, physical_network_id: at.physicalNetworkId, network_id: p.networkId ?? null, vlan_type: at.vlanType,
        account_id: p.accountId ?? null, domain_id: p.domainId ?? null, for_system_vms: p.forSystemVms ? 1 : 0, created: Date.now(), removed: null,
      });
      await this.addAddresses(trx, newId, at.zoneId, at.physicalNetworkId, p.forSystemVms === true, r.start, r.end);
      if (at.vlanType === 'DirectAttached' && this.directRanges) {
        await this.directRanges.adopt(trx, caller, {
          id: newId, zoneId: at.zoneId, tag: at.tag, gateway: r.gateway, netmask: r.netmask, startIp: r.startIp, endIp: r.endIp,
          accountId: p.accountId ?? null, domainId: p.domainId ?? null, networkId: p.networkId ?? null,
        });
      }
      await this.events.record(adminEvent(caller, 'VLAN.IP.RANGE.CREATE', `Created IP range ${r.startIp}-${r.endIp} (${at.tag})`, 'Vlan', uuid), trx);
      return newId;
    });
    return this.get(id);
  }

  /** Grows or shrinks a range; addresses dropped from it must be Free. */
  async update(caller: Caller, id: number, p: { gateway?: string | undefined; netmask?: string | undefined; startIp?: string | undefined; endIp?: string | undefined; forSystemVms?: boolean | undefined }): Promise<VlanRow> {
    const v = await this.get(id);
    const r = checkRange({ gateway: p.gateway ?? v.gateway, netmask: p.netmask ?? v.netmask, startip: p.startIp ?? v.start_ip, endip: p.endIp ?? v.end_ip });
    await this.db.kysely.transaction().execute(async (trx) => {
      await forUpdate(trx.selectFrom('zones').select('id').where('id', '=', v.zone_id), this.db.dialect).execute();
      const clash = await findOverlap(trx, r, { zoneId: v.zone_id, publicRange: v.vlan_type === 'VirtualNetwork', exceptVlanId: id });
      if (clash) throw paramError(`The IP range ${r.startIp}-${r.endIp} overlaps with ${clash}`);
      await this.checkSameVlan(trx, v.zone_id, v.vlan_tag, r, v.vlan_type, id);
      const ips = await trx.selectFrom('user_ip_addresses').select(['id', 'public_ip_address', 'state']).where('vlan_id', '=', id).execute();
      const outside = ips.filter((x) => { const n = parseIp(x.public_ip_address)!; return n < r.start || n > r.end; });
      const busy = outside.find((x) => x.state !== 'Free');
      if (busy) throw new CloudError('ResourceInUse', `Cannot shrink the IP range: address ${busy.public_ip_address} is in use`);
      for (let i = 0; i < outside.length; i += 500) await trx.deleteFrom('user_ip_addresses').where('id', 'in', outside.slice(i, i + 500).map((x) => x.id)).execute();
      const have = new Set(ips.map((x) => parseIp(x.public_ip_address)!));
      const fs = p.forSystemVms ?? v.for_system_vms === 1;
      for (let n = r.start; n <= r.end; ) {
        if (have.has(n)) { n++; continue; }
        let e = n;
        while (e + 1 <= r.end && !have.has(e + 1)) e++;
        await this.addAddresses(trx, id, v.zone_id, v.physical_network_id, fs, n, e);
        n = e + 1;
      }
      await trx.updateTable('vlans').set({ gateway: r.gateway, netmask: r.netmask, cidr: r.cidr, start_ip: r.startIp, end_ip: r.endIp, for_system_vms: fs ? 1 : 0 }).where('id', '=', id).execute();
      if (p.forSystemVms !== undefined) await trx.updateTable('user_ip_addresses').set({ for_system_vms: fs ? 1 : 0 }).where('vlan_id', '=', id).execute();
      await this.events.record(adminEvent(caller, 'VLAN.IP.RANGE.UPDATE', `Updated IP range to ${r.startIp}-${r.endIp}`, 'Vlan', v.uuid), trx);
    });
    return this.get(id);
  }

  async delete(caller: Caller, id: number): Promise<void> {
    const v = await this.get(id);
    await this.db.kysely.transaction().execute(async (trx) => {
      const busy = await trx.selectFrom('user_ip_addresses').select(['public_ip_address', 'state']).where('vlan_id', '=', id).where('state', '!=', 'Free').executeTakeFirst();
      if (busy) throw new CloudError('ResourceInUse', `The IP range ${v.start_ip}-${v.end_ip} cannot be deleted: address ${busy.public_ip_address} is ${busy.state}`);
      // Guests of a tagged direct network take their addresses from its range without a row here.
      const nic = v.network_id === null || v.pod_id !== null ? undefined : await trx.selectFrom('nics').select('ip_address').where('network_id', '=', v.network_id).where('removed', 'is', null).executeTakeFirst();
      if (nic && v.vlan_type === 'DirectAttached') throw new CloudError('ResourceInUse', `The IP range ${v.start_ip}-${v.end_ip} cannot be deleted: its network has guests (${nic.ip_address})`);
      await trx.deleteFrom('user_ip_addresses').where('vlan_id', '=', id).execute();
      await trx.updateTable('vlans').set({ removed: Date.now() }).where('id', '=', id).execute();
      if (v.vlan_type === 'DirectAttached' && this.directRanges) {
        await this.directRanges.release(trx, caller, {
          id, zoneId: v.zone_id, tag: v.vlan_tag, gateway: v.gateway, netmask: v.netmask, startIp: v.start_ip, endIp: v.end_ip,
          accountId: v.account_id, domainId: v.domain_id, networkId: v.network_id,
        });
      }
      await this.events.record(adminEvent(caller, 'VLAN.IP.RANGE.DELETE', `Deleted IP range ${v.start_ip}-${v.end_ip}`, 'Vlan', v.uuid), trx);
    });
  }

  async list(f: { id?: number | undefined; zoneId?: number | undefined; podId?: number | undefined; vlan?: string | undefined; networkId?: number | undefined; physicalNetworkId?: number | undefined; forVirtualNetwork?: boolean | undefined; accountId?: number | undefined; domainId?: number | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: VlanRow[]; count: number }> {
    let q = vlanQuery(this.db.kysely);
    if (f.id !== undefined) q = q.where('v.id', '=', f.id);
    if (f.zoneId !== undefined) q = q.where('v.zone_id', '=', f.zoneId);
    if (f.podId !== undefined) q = q.where('v.pod_id', '=', f.podId);
    if (f.vlan !== undefined) q = q.where('v.vlan_tag', '=', normaliseVlanTag(f.vlan));
    if (f.networkId !== undefined) q = q.where('v.network_id', '=', f.networkId);
    if (f.physicalNetworkId !== undefined) q = q.where('v.physical_network_id', '=', f.physicalNetworkId);
    if (f.forVirtualNetwork !== undefined) q = q.where('v.vlan_type', '=', f.forVirtualNetwork ? 'VirtualNetwork' : 'DirectAttached');
    if (f.accountId !== undefined) q = q.where('v.account_id', '=', f.accountId);
    if (f.domainId !== undefined) q = q.where('v.domain_id', '=', f.domainId);
    if (f.keyword) q = q.where('v.vlan_tag', 'like', likePattern(f.keyword));
    return page.run(q.orderBy('v.id'));
  }
}
