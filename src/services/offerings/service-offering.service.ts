/**
 * Compute offerings (CloudStack ConfigurationManagerImpl createServiceOffering & co.): an
 * offering cannot change once created except its name, text and order; deleting one that
 * VMs still use only retires it (state Inactive) until they are expunged.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { ServiceOfferingsTable } from '../../db/schema/templates.js';
import { paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isRootAdmin } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import { checkManage, offeringDomain, renameSet, stateFilter, visibleTo, type OfferingDomain } from './offering-common.js';

export type ServiceOfferingRow = Selectable<ServiceOfferingsTable> & OfferingDomain;
export type SystemVmType = 'domainrouter' | 'consoleproxy' | 'secondarystoragevm';
export const SYSTEM_VM_TYPES: readonly SystemVmType[] = ['domainrouter', 'consoleproxy', 'secondarystoragevm'];

export interface NewServiceOffering {
  name: string;
  displayText?: string | undefined;
  cpuNumber?: number | undefined;
  cpuSpeed?: number | undefined;
  memory?: number | undefined;
  offerHa?: boolean | undefined;
  storageType?: string | undefined;
  tags?: string | undefined;
  hostTags?: string | undefined;
  networkRate?: number | undefined;
  limitCpuUse?: boolean | undefined;
  domainIds?: number[] | undefined;
  isSystem?: boolean | undefined;
  systemVmType?: string | undefined;
}

export interface ServiceOfferingFilter {
  id?: number | undefined;
  name?: string | undefined;
  keyword?: string | undefined;
  domainId?: number | undefined;
  isSystem?: boolean | undefined;
  systemVmType?: string | undefined;
  state?: string | undefined;
  /** Offerings this VM could change to (not its current one, same storage type). */
  vmId?: number | undefined;
}

const query = (k: Kysely<Database>) =>
  k.selectFrom('service_offerings as o').leftJoin('domains as d', 'd.id', 'o.domain_id')
    .selectAll('o').select(['d.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path'])
    .where('o.removed', 'is', null);

export class ServiceOfferingService {
  constructor(private readonly db: Db, private readonly events: EventService) {}

  async get(id: number): Promise<ServiceOfferingRow> {
    const o = await query(this.db.kysely).where('o.id', '=', id).executeTakeFirst();
    if (!o) throw paramError('Unable to find service offering by id');
    return o as ServiceOfferingRow;
  }

  /** For deployments: an Active offering the caller may use (431 otherwise). */
  async getForDeploy(caller: Caller, id: number): Promise<ServiceOfferingRow> {
    const o = await visibleTo(query(this.db.kysely), caller, 'o').where('o.id', '=', id).where('o.state', '=', 'Active').executeTakeFirst();
    if (!o || (o.is_system && !caller.isSystem)) throw paramError('Unable to find service offering by id');
    return o as ServiceOfferingRow;
  }

  /** The system offering for a kind of system VM (the default one first). */
  async systemOffering(vmType: SystemVmType): Promise<ServiceOfferingRow> {
    const o = await query(this.db.kysely).where('o.is_system', '=', 1).where('o.vm_type', '=', vmType).where('o.state', '=', 'Active')
      .orderBy('o.default_use', 'desc').orderBy('o.id').executeTakeFirst();
    if (!o) throw paramError(`Unable to find a system offering for ${vmType}`);
    return o as ServiceOfferingRow;
  }

  async create(caller: Caller, p: NewServiceOffering): Promise<ServiceOfferingRow> {
    const isSystem = p.isSystem === true;
    const vmType = (p.systemVmType?.toLowerCase() ?? (isSystem ? 'domainrouter' : undefined)) as SystemVmType | undefined;
    if (!isSystem && p.systemVmType !== undefined) throw paramError('Only system offerings can have systemvmtype');
    if (vmType !== undefined && !SYSTEM_VM_TYPES.includes(vmType)) throw paramError('Invalid systemVmType. Supported types are: domainrouter, consoleproxy, secondarystoragevm');
    if (isSystem && !isRootAdmin(caller)) throw paramError('Only root admins can create system offerings');
    const cpu = p.cpuNumber ?? 1, mhz = p.cpuSpeed ?? 1000, ram = p.memory ?? 512;
    if (cpu < 1 || cpu > 2147483647) throw paramError('Failed to create service offering ' + p.name + ': specify the cpu number value between 1 and 2147483647');
    if (mhz < 1) throw paramError('Failed to create service offering ' + p.name + ': specify the cpu speed value between 1 and 2147483647');
    if (ram < 32) throw paramError('Failed to create service offering ' + p.name + ': specify the memory value between 32 and 2147483647 MB');
    const storageType = storageTypeOf(p.storageType);
    if (p.networkRate !== undefined && p.networkRate < 0) throw paramError('networkrate must not be negative');
    const domainId = await offeringDomain(this.db, caller, p.domainIds);
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const id = await insertId(trx, this.db.dialect, 'service_offerings', {
        uuid: randomUUID(), name: p.name, display_text: p.displayText ?? p.name, cpu_number: cpu, cpu_speed: mhz, ram_size: ram,
        offer_ha: p.offerHa ? 1 : 0, storage_type: storageType, tags: p.tags ?? null, host_tag: p.hostTags ?? null, network_rate: p.networkRate ?? null,
        limit_cpu_use: p.limitCpuUse ? 1 : 0, domain_id: domainId, is_system: isSystem ? 1 : 0, vm_type: isSystem ? vmType! : null,
        state: 'Active', sort_key: 0, default_use: 0, created: Date.now(), removed: null,
      });
      await this.record(trx, caller, 'SERVICE.OFFERING.CREATE', `Successfully created service offering ${p.name}`, id);
      return id;
    });
    return this.get(id);
  }

  async update(caller: Caller, id: number, p: { name?: string | undefined; displayText?: string | undefined; sortKey?: number | undefined }): Promise<ServiceOfferingRow> {
    const o = await this.get(id);
    checkManage(caller, o, 'service offering');
    const set = renameSet(p);
    if (Object.keys(set).length) {
      await this.db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('service_offerings').set(set).where('id', '=', id).execute();
        await this.record(trx, caller, 'SERVICE.OFFERING.EDIT', `Successfully updated service offering ${o.name}`, id);
      });
    }
    return this.get(id);
  }

  /** Unused: removed. Used by VMs not yet expunged: Inactive (kept for them). */
  async delete(caller: Caller, id: number): Promise<void> {
    const o = await this.get(id);
    checkManage(caller, o, 'service offering');
    if (o.default_use && o.is_system) throw paramError('Default system offerings cannot be deleted');
    await this.db.kysely.transaction().execute(async (trx) => {
      const used = await trx.selectFrom('vm_instances').select('id').where('service_offering_id', '=', id).where('removed', 'is', null).where('state', '!=', 'Expunging').executeTakeFirst();
      if (used) await trx.updateTable('service_offerings').set({ state: 'Inactive' }).where('id', '=', id).execute();
      else await trx.updateTable('service_offerings').set({ removed: Date.now(), state: 'Inactive' }).where('id', '=', id).execute();
      await this.record(trx, caller, 'SERVICE.OFFERING.DELETE', `Successfully deleted service offering ${o.name}`, id);
    });
  }

  async list(caller: Caller, f: ServiceOfferingFilter, page: Page): Promise<{ rows: ServiceOfferingRow[]; count: number }> {
    if (f.isSystem === true && !isRootAdmin(caller)) throw permissionDenied("Only ROOT admins can access system's offering");
    let q = visibleTo(query(this.db.kysely), caller, 'o');
    if (f.id !== undefined) q = q.where('o.id', '=', f.id);
    if (f.name !== undefined) q = q.where('o.name', '=', f.name);
    if (f.keyword) q = q.where((eb) => eb.or([eb('o.name', likeInsensitive(this.db.dialect), likePattern(f.keyword!)), eb('o.display_text', likeInsensitive(this.db.dialect), likePattern(f.keyword!))]));
    if (f.domainId !== undefined) q = q.where('o.domain_id', '=', f.domainId);
    // System offerings only for admins that ask for them (CloudStack: issystem defaults false).
    const system = f.isSystem === true && isRootAdmin(caller);
    q = q.where('o.is_system', '=', system ? 1 : 0);
    if (f.systemVmType !== undefined) q = q.where('o.vm_type', '=', f.systemVmType.toLowerCase() as SystemVmType);
    q = stateFilter(q, caller, f.state, 'o');
    if (f.vmId !== undefined) {
      const vm = await this.db.kysely.selectFrom('vm_instances').select(['service_offering_id']).where('id', '=', f.vmId).executeTakeFirst();
      if (!vm) throw paramError('Unable to find virtual machine by id');
      const cur = await this.db.kysely.selectFrom('service_offerings').select('storage_type').where('id', '=', vm.service_offering_id).executeTakeFirst();
      q = q.where('o.id', '!=', vm.service_offering_id);
      if (cur) q = q.where('o.storage_type', '=', cur.storage_type);
    }
    return page.run(q.orderBy('o.sort_key').orderBy('o.id')) as Promise<{ rows: ServiceOfferingRow[]; count: number }>;
  }

  private record(trx: Kysely<Database>, caller: Caller, type: string, description: string, id: number) {
    return this.events.record({ type, description, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType: 'ServiceOffering' }, trx).then(() => id);
  }
}

export function storageTypeOf(s: string | undefined): 'shared' | 'local' {
  const t = (s ?? 'shared').toLowerCase();
  if (t !== 'shared' && t !== 'local') throw paramError('Invalid storage type ' + s + ' specified, valid types are: shared and local');
  return t;
}
