/** Zones: create, update, delete (only when empty) and the visibility-scoped list. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import { adminEvent, zoneQuery, type TableProbe, type ZoneRow } from './infra.queries.js';
import { isIp, parseCidr } from './ipv4.js';

export const DEFAULT_GUEST_CIDR = '10.1.1.0/24';
const NETWORK_TYPES = ['Basic', 'Advanced'] as const;
const ALLOCATION_STATES = ['Enabled', 'Disabled'] as const;

export interface ZoneInput {
  name?: string | undefined;
  description?: string | undefined;
  dns1?: string | undefined;
  dns2?: string | undefined;
  internalDns1?: string | undefined;
  internalDns2?: string | undefined;
  ip6Dns1?: string | undefined;
  ip6Dns2?: string | undefined;
  guestCidr?: string | undefined;
  networkType?: string | undefined;
  networkDomain?: string | undefined;
  /** Dedicate to a domain; `null` makes the zone public again. */
  domainId?: number | null | undefined;
  allocationState?: string | undefined;
  localStorageEnabled?: boolean | undefined;
  securityGroupEnabled?: boolean | undefined;
  dhcpProvider?: string | undefined;
}

export interface ZoneFilter {
  id?: number | undefined;
  ids?: number[] | undefined;
  name?: string | undefined;
  networkType?: string | undefined;
  domainId?: number | undefined;
  keyword?: string | undefined;
}

/** Picks CloudStack's spelling of an enum value given in any case, or throws 431. */
export function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  const v = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (!v) throw paramError(`Invalid ${what} ${value}; use one of ${allowed.join(', ')}`);
  return v;
}

function checkIp(name: string, v: string | undefined): void {
  if (v !== undefined && v !== '' && !isIp(v)) throw paramError(`Please enter a valid IP address for ${name}: ${v}`);
}

export class ZoneService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly probe: TableProbe,
  ) {}

  async get(id: number): Promise<ZoneRow> {
    const z = await zoneQuery(this.db.kysely).where('z.id', '=', id).executeTakeFirst();
    if (!z) throw paramError(`Unable to find zone`);
    return z;
  }

  private validate(p: ZoneInput): void {
    checkIp('DNS1', p.dns1);
    checkIp('DNS2', p.dns2);
    checkIp('internal DNS1', p.internalDns1);
    checkIp('internal DNS2', p.internalDns2);
    if (p.guestCidr !== undefined && p.guestCidr !== '' && !parseCidr(p.guestCidr, true)) {
      throw paramError(`Please enter a valid guest cidr: ${p.guestCidr}`);
    }
    if (p.name !== undefined && p.name.trim() === '') throw paramError('Zone name cannot be empty');
  }

  private async checkName(name: string, exceptId?: number): Promise<void> {
    let q = this.db.kysely.selectFrom('zones').select('id').where('name', '=', name).where('removed', 'is', null);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) throw paramError(`A zone with name ${name} already exists`);
  }

  async create(caller: Caller, p: ZoneInput & { name: string; networkType: string }): Promise<ZoneRow> {
    this.validate(p);
    const networkType = oneOf('network type', p.networkType, NETWORK_TYPES);
    const allocationState = p.allocationState ? oneOf('allocation state', p.allocationState, ALLOCATION_STATES) : 'Disabled';
    await this.checkName(p.name);
    const uuid = randomUUID();
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const newId = await insertId(trx, this.db.dialect, 'zones', {
        uuid, name: p.name, description: p.description ?? null, dns1: p.dns1 ?? null, dns2: p.dns2 || null,
        internal_dns1: p.internalDns1 ?? null, internal_dns2: p.internalDns2 || null, ip6_dns1: p.ip6Dns1 || null, ip6_dns2: p.ip6Dns2 || null,
        // CloudStack keeps a guest CIDR only for Advanced zones (default 10.1.1.0/24).
        guest_cidr: networkType === 'Advanced' ? (p.guestCidr || DEFAULT_GUEST_CIDR) : null,
        network_type: networkType, network_domain: p.networkDomain || null, domain_id: p.domainId ?? null,
        allocation_state: allocationState, local_storage_enabled: p.localStorageEnabled ? 1 : 0,
        security_group_enabled: p.securityGroupEnabled ? 1 : 0, dhcp_provider: p.dhcpProvider || 'VirtualRouter',
        zone_token: randomUUID(), created: Date.now(), removed: null,
      });
      await this.events.record(adminEvent(caller, 'ZONE.CREATE', `Successfully created new zone with name: ${p.name}.`, 'Zone', uuid), trx);
      return newId;
    });
    return this.get(id);
  }

  async update(caller: Caller, id: number, p: ZoneInput): Promise<ZoneRow> {
    const z = await this.get(id);
    this.validate(p);
    if (p.name !== undefined && p.name !== z.name) await this.checkName(p.name, id);
    const set: Record<string, unknown> = {};
    if (p.name !== undefined) set['name'] = p.name;
    if (p.description !== undefined) set['description'] = p.description;
    if (p.dns1 !== undefined) set['dns1'] = p.dns1;
    if (p.dns2 !== undefined) set['dns2'] = p.dns2 || null;
    if (p.internalDns1 !== undefined) set['internal_dns1'] = p.internalDns1;
    if (p.internalDns2 !== undefined) set['internal_dns2'] = p.internalDns2 || null;
    if (p.ip6Dns1 !== undefined) set['ip6_dns1'] = p.ip6Dns1 || null;
    if (p.ip6Dns2 !== undefined) set['ip6_dns2'] = p.ip6Dns2 || null;
    if (p.guestCidr !== undefined && z.network_type === 'Advanced') set['guest_cidr'] = p.guestCidr || DEFAULT_GUEST_CIDR;
    if (p.networkDomain !== undefined) set['network_domain'] = p.networkDomain || null;
    if (p.domainId !== undefined) set['domain_id'] = p.domainId;
    if (p.allocationState !== undefined) set['allocation_state'] = oneOf('allocation state', p.allocationState, ALLOCATION_STATES);
    if (p.localStorageEnabled !== undefined) set['local_storage_enabled'] = p.localStorageEnabled ? 1 : 0;
    if (p.dhcpProvider !== undefined) set['dhcp_provider'] = p.dhcpProvider;
    await this.db.kysely.transaction().execute(async (trx) => {
      if (Object.keys(set).length) await trx.updateTable('zones').set(set).where('id', '=', id).execute();
      await this.events.record(adminEvent(caller, 'ZONE.EDIT', `Successfully updated zone ${p.name ?? z.name}.`, 'Zone', z.uuid), trx);
    });
    return this.get(id);
  }

  /** The first reason the zone cannot be deleted, as CloudStack's checkIfZoneIsDeletable words it. */
  private async blocker(id: number): Promise<string | undefined> {
    const k = this.db.kysely;
    const live = async (t: 'pods' | 'storage_pools' | 'image_stores' | 'physical_networks') =>
      Number((await k.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).where('zone_id', '=', id).where('removed', 'is', null).executeTakeFirst())?.n ?? 0);
    if ((await this.probe.count('hosts', { data_center_id: id })) + (await this.probe.count('hosts', { zone_id: id })) > 0) return 'there are servers in this zone';
    if (await live('pods')) return 'there are pods in this zone';
    const taken = await k.selectFrom('op_dc_ip_address_alloc').select('id').where('zone_id', '=', id).where('taken', 'is not', null).executeTakeFirst();
    if (taken) return 'there are private IP addresses allocated in this zone';
    const used = await k.selectFrom('user_ip_addresses').select('id').where('zone_id', '=', id).where('state', '!=', 'Free').executeTakeFirst();
    if (used) return 'there are public IP addresses allocated in this zone';
    if ((await this.probe.count('vm_instances', { data_center_id: id })) + (await this.probe.count('vm_instances', { zone_id: id })) > 0) return 'there are virtual machines in this zone';
    if ((await this.probe.count('volumes', { data_center_id: id })) + (await this.probe.count('volumes', { zone_id: id })) > 0) return 'there are storage volumes in this zone';
    if (await live('physical_networks')) return 'there are Physical Networks in this zone';
    if (await live('storage_pools')) return 'there are primary storage pools in this zone';
    if (await live('image_stores')) return 'there are Secondary storages in this zone';
    return undefined;
  }

  async delete(caller: Caller, id: number): Promise<void> {
    const z = await this.get(id);
    const why = await this.blocker(id);
    if (why) throw new CloudError('ResourceInUse', `The zone cannot be deleted because ${why}.`);
    await this.db.kysely.transaction().execute(async (trx) => {
      const now = Date.now();
      // Public ranges go with the zone (their addresses were checked free above).
      await trx.deleteFrom('user_ip_addresses').where('zone_id', '=', id).execute();
      await trx.updateTable('vlans').set({ removed: now }).where('zone_id', '=', id).where('removed', 'is', null).execute();
      await trx.updateTable('zones').set({ removed: now }).where('id', '=', id).execute();
      await this.events.record(adminEvent(caller, 'ZONE.DELETE', `Successfully deleted zone ${z.name}.`, 'Zone', z.uuid), trx);
    });
  }

  /**
   * Zones the caller may see: root admins all; everybody else public zones, zones dedicated
   * to their domain or one above it (and, for domain admins, below it); Disabled zones only
   * for root admins (CloudStack hides them from those who cannot deploy there).
   */
  async list(caller: Caller, f: ZoneFilter, page: Page): Promise<{ rows: ZoneRow[]; count: number }> {
    let q = zoneQuery(this.db.kysely);
    if (!isRootAdmin(caller)) {
      const ancestors = ancestorPaths(caller.domainPath);
      const below = `${caller.domainPath.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      q = q.where((eb) => {
        const ors = [eb('z.domain_id', 'is', null), eb('d.path', 'in', ancestors)];
        if (caller.roleType !== 'User') ors.push(eb('d.path', 'like', below));
        return eb.or(ors);
      });
      q = q.where('z.allocation_state', '=', 'Enabled');
    }
    if (f.id !== undefined) q = q.where('z.id', '=', f.id);
    if (f.ids?.length) q = q.where('z.id', 'in', f.ids);
    if (f.name !== undefined) q = q.where('z.name', '=', f.name);
    if (f.networkType !== undefined) q = q.where('z.network_type', '=', oneOf('network type', f.networkType, NETWORK_TYPES));
    if (f.domainId !== undefined) q = q.where('z.domain_id', '=', f.domainId);
    if (f.keyword) q = q.where('z.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('z.id'));
  }
}

/** '/a/b/' → ['/', '/a/', '/a/b/'] */
export function ancestorPaths(path: string): string[] {
  const parts = path.split('/').filter((x) => x !== '');
  const out = ['/'];
  let acc = '/';
  for (const p of parts) out.push((acc = `${acc}${p}/`));
  return out;
}
