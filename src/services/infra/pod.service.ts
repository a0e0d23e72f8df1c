/**
 * Pods: a zone's rack-level grouping with a gateway/netmask and the private range used for
 * system VMs. Every private address is a row of `op_dc_ip_address_alloc` (unique cloud-wide).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import { adminEvent, podQuery, type PodRow, type TableProbe } from './infra.queries.js';
import { checkRange, findOverlap, insertBatches, type CheckedRange } from './ip-ranges.js';
import { ipsOf, parseCidr, cidrRange, rangesOverlap } from './ipv4.js';
import { oneOf } from './zone.service.js';

export interface PodInput {
  name?: string | undefined;
  gateway?: string | undefined;
  netmask?: string | undefined;
  startIp?: string | undefined;
  endIp?: string | undefined;
  allocationState?: string | undefined;
}

const STATES = ['Enabled', 'Disabled'] as const;

export class PodService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly probe: TableProbe,
  ) {}

  async get(id: number): Promise<PodRow> {
    const p = await podQuery(this.db.kysely).where('p.id', '=', id).executeTakeFirst();
    if (!p) throw paramError(`Unable to find pod`);
    return p;
  }

  /** Validates the pod's network and that it collides with nothing in the zone or cloud. */
  private async checkNetwork(trx: Kysely<Database>, zoneId: number, p: PodInput, exceptPodId?: number): Promise<CheckedRange | undefined> {
    if (!p.gateway && !p.netmask && !p.startIp) return undefined;
    if (!p.startIp) throw paramError('startip is required when the pod has a gateway and netmask');
    const r = checkRange({ gateway: p.gateway, netmask: p.netmask, startip: p.startIp, endip: p.endIp }, 'pod');
    const zone = await trx.selectFrom('zones').select(['guest_cidr', 'name']).where('id', '=', zoneId).executeTakeFirstOrThrow();
    const guest = zone.guest_cidr ? parseCidr(zone.guest_cidr) : undefined;
    if (guest && rangesOverlap(cidrRange(guest), cidrRange(parseCidr(r.cidr)!))) {
      throw paramError(`The pod CIDR ${r.cidr} overlaps with the guest CIDR ${zone.guest_cidr} of zone ${zone.name}`);
    }
    const others = await trx.selectFrom('pods').select(['id', 'name', 'cidr']).where('zone_id', '=', zoneId).where('removed', 'is', null).execute();
    for (const o of others) {
      const c = o.cidr ? parseCidr(o.cidr) : undefined;
      if (o.id !== exceptPodId && c && rangesOverlap(cidrRange(c), cidrRange(parseCidr(r.cidr)!))) {
        throw paramError(`The pod CIDR ${r.cidr} overlaps with the CIDR ${o.cidr} of pod ${o.name}`);
      }
    }
    const clash = await findOverlap(trx, r, { zoneId, publicRange: false, ...(exceptPodId !== undefined ? { exceptPodId } : {}) });
    if (clash) throw paramError(`The private IP range ${r.startIp}-${r.endIp} overlaps with ${clash}`);
    let used = trx.selectFrom('op_dc_ip_address_alloc').select(['ip_address']).where('ip_address', 'in', [...ipsOf(r)].slice(0, 1000));
    if (exceptPodId !== undefined) used = used.where('pod_id', '!=', exceptPodId);
    const dup = rangeSizeSmall(r) ? await used.executeTakeFirst() : undefined;
    if (dup) throw paramError(`The private IP address ${dup.ip_address} is already used by another pod`);
    return r;
  }

  private async fillRange(trx: Kysely<Database>, podId: number, zoneId: number, r: CheckedRange): Promise<void> {
    const rows = [...ipsOf(r)].map((ip) => ({ pod_id: podId, zone_id: zoneId, ip_address: ip, taken: null, instance_id: null, nic_id: null }));
    try {
      await insertBatches(trx, 'op_dc_ip_address_alloc', rows);
    } catch (err) {
      // The unique index on ip_address is the cloud-wide guard for ranges too large to pre-check.
      throw new CloudError('ParamError', `The private IP range ${r.startIp}-${r.endIp} overlaps with addresses already used by another pod`, { cause: err });
    }
  }

  async create(caller: Caller, zoneId: number, p: PodInput & { name: string }): Promise<PodRow> {
    const allocationState = p.allocationState ? oneOf('allocation state', p.allocationState, STATES) : 'Enabled';
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const zone = await forUpdate(trx.selectFrom('zones').select(['id', 'name']).where('id', '=', zoneId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
      if (!zone) throw paramError(`Unable to find zone`);
      const dup = await trx.selectFrom('pods').select('id').where('zone_id', '=', zoneId).where('name', '=', p.name).where('removed', 'is', null).executeTakeFirst();
      if (dup) throw paramError(`A pod with name ${p.name} already exists in zone ${zone.name}`);
      const r = await this.checkNetwork(trx, zoneId, p);
      const newId = await insertId(trx, this.db.dialect, 'pods', {
        uuid, name: p.name, zone_id: zoneId, gateway: r?.gateway ?? null, netmask: r?.netmask ?? null, cidr: r?.cidr ?? null,
        start_ip: r?.startIp ?? null, end_ip: r?.endIp ?? null, allocation_state: allocationState, created: Date.now(), removed: null,
      });
      if (r) await this.fillRange(trx, newId, zoneId, r);
      await this.events.record(adminEvent(caller, 'POD.CREATE', `Successfully created new pod with name: ${p.name} in zone: ${zone.name}.`, 'Pod', uuid), trx);
      return newId;
    });
    return this.get(id);
  }

  async update(caller: Caller, id: number, p: PodInput): Promise<PodRow> {
    const pod = await this.get(id);
    const netChange = p.gateway !== undefined || p.netmask !== undefined || p.startIp !== undefined || p.endIp !== undefined;
    await this.db.kysely.transaction().execute(async (trx) => {
      const set: Record<string, unknown> = {};
      if (p.name !== undefined && p.name !== pod.name) {
        const dup = await trx.selectFrom('pods').select('id').where('zone_id', '=', pod.zone_id).where('name', '=', p.name).where('removed', 'is', null).executeTakeFirst();
        if (dup) throw paramError(`A pod with name ${p.name} already exists in zone ${pod.zone_name}`);
        set['name'] = p.name;
      }
      if (p.allocationState !== undefined) set['allocation_state'] = oneOf('allocation state', p.allocationState, STATES);
      if (netChange) {
        const merged: PodInput = { gateway: p.gateway ?? pod.gateway ?? undefined, netmask: p.netmask ?? pod.netmask ?? undefined, startIp: p.startIp ?? pod.start_ip ?? undefined, endIp: p.endIp ?? (p.startIp !== undefined ? undefined : pod.end_ip ?? undefined) };
        const taken = await trx.selectFrom('op_dc_ip_address_alloc').select('ip_address').where('pod_id', '=', id).where('taken', 'is not', null).executeTakeFirst();
        if (taken) throw new CloudError('ResourceInUse', `Cannot change the IP range of pod ${pod.name}: private IP ${taken.ip_address} is in use`);
        await trx.deleteFrom('op_dc_ip_address_alloc').where('pod_id', '=', id).execute();
        const r = await this.checkNetwork(trx, pod.zone_id, merged, id);
        if (r) {
          Object.assign(set, { gateway: r.gateway, netmask: r.netmask, cidr: r.cidr, start_ip: r.startIp, end_ip: r.endIp });
          await this.fillRange(trx, id, pod.zone_id, r);
        }
      }
      if (Object.keys(set).length) await trx.updateTable('pods').set(set).where('id', '=', id).execute();
      await this.events.record(adminEvent(caller, 'POD.EDIT', `Successfully updated pod ${p.name ?? pod.name}.`, 'Pod', pod.uuid), trx);
    });
    return this.get(id);
  }

  private async blocker(id: number): Promise<string | undefined> {
    const k = this.db.kysely;
    if (await this.probe.count('hosts', { pod_id: id })) return 'there are servers in this pod';
    const taken = await k.selectFrom('op_dc_ip_address_alloc').select('id').where('pod_id', '=', id).where('taken', 'is not', null).executeTakeFirst();
    if (taken) return 'there are private IP addresses allocated in this pod';
    if ((await this.probe.count('vm_instances', { pod_id: id })) + (await this.probe.count('vm_instances', { pod_id_to_deploy_in: id })) > 0) return 'there are virtual machines in this pod';
    if (await k.selectFrom('clusters').select('id').where('pod_id', '=', id).where('removed', 'is', null).executeTakeFirst()) return 'there are clusters in this pod';
    if (await k.selectFrom('storage_pools').select('id').where('pod_id', '=', id).where('removed', 'is', null).executeTakeFirst()) return 'there are storage pools in this pod';
    if (await k.selectFrom('vlans').select('id').where('pod_id', '=', id).where('removed', 'is', null).executeTakeFirst()) return 'there are IP ranges in this pod';
    return undefined;
  }

  async delete(caller: Caller, id: number): Promise<void> {
    const pod = await this.get(id);
    const why = await this.blocker(id);
    if (why) throw new CloudError('ResourceInUse', `The pod cannot be deleted because ${why}.`);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('op_dc_ip_address_alloc').where('pod_id', '=', id).execute();
      await trx.updateTable('pods').set({ removed: Date.now() }).where('id', '=', id).execute();
      await this.events.record(adminEvent(caller, 'POD.DELETE', `Successfully deleted pod ${pod.name}.`, 'Pod', pod.uuid), trx);
    });
  }

  async list(f: { id?: number | undefined; name?: string | undefined; zoneId?: number | undefined; allocationState?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: PodRow[]; count: number }> {
    let q = podQuery(this.db.kysely);
    if (f.id !== undefined) q = q.where('p.id', '=', f.id);
    if (f.name !== undefined) q = q.where('p.name', '=', f.name);
    if (f.zoneId !== undefined) q = q.where('p.zone_id', '=', f.zoneId);
    if (f.allocationState !== undefined) q = q.where('p.allocation_state', '=', f.allocationState);
    if (f.keyword) q = q.where('p.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('p.id'));
  }

  /** Takes a free private address of the pod for a system VM / NIC; undefined when exhausted. */
  async allocatePrivateIp(trx: Kysely<Database>, podId: number, instanceId: number | null): Promise<string | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await forUpdate(trx.selectFrom('op_dc_ip_address_alloc').select(['id', 'ip_address']).where('pod_id', '=', podId).where('taken', 'is', null).orderBy('id').limit(1), this.db.dialect).executeTakeFirst();
      if (!row) return undefined;
      const r = await trx.updateTable('op_dc_ip_address_alloc').set({ taken: Date.now(), instance_id: instanceId }).where('id', '=', row.id).where('taken', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return row.ip_address;
    }
    return undefined;
  }

  async releasePrivateIp(trx: Kysely<Database>, ip: string): Promise<void> {
    await trx.updateTable('op_dc_ip_address_alloc').set({ taken: null, instance_id: null, nic_id: null }).where('ip_address', '=', ip).execute();
  }
}

function rangeSizeSmall(r: CheckedRange): boolean {
  return r.end - r.start < 1000;
}
