/**
 * Disk offerings: a fixed size or a custom size chosen at volume creation (bounded by
 * `max.volume.size.gb`). Same change and deletion rules as compute offerings.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { DiskOfferingsTable } from '../../db/schema/templates.js';
import { paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { ConfigService } from '../config/config.service.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import { checkManage, offeringDomain, renameSet, stateFilter, visibleTo, type OfferingDomain } from './offering-common.js';
import { storageTypeOf } from './service-offering.service.js';

export type DiskOfferingRow = Selectable<DiskOfferingsTable> & OfferingDomain;
const GB = 1024 ** 3;

const query = (k: Kysely<Database>) =>
  k.selectFrom('disk_offerings as o').leftJoin('domains as d', 'd.id', 'o.domain_id')
    .selectAll('o').select(['d.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path'])
    .where('o.removed', 'is', null);

export class DiskOfferingService {
  constructor(private readonly db: Db, private readonly config: ConfigService, private readonly events: EventService) {}

  async get(id: number): Promise<DiskOfferingRow> {
    const o = await query(this.db.kysely).where('o.id', '=', id).executeTakeFirst();
    if (!o) throw paramError('Unable to find disk offering by id');
    return o as DiskOfferingRow;
  }

  /** For volume creation: an Active offering the caller may use. */
  async getForDeploy(caller: Caller, id: number): Promise<DiskOfferingRow> {
    const o = await visibleTo(query(this.db.kysely), caller, 'o').where('o.id', '=', id).where('o.state', '=', 'Active').executeTakeFirst();
    if (!o) throw paramError('Unable to find disk offering by id');
    return o as DiskOfferingRow;
  }

  /** Bytes of a volume made from this offering; `sizeGb` is required for customized ones. */
  async volumeSize(o: DiskOfferingRow, sizeGb: number | undefined): Promise<number> {
    if (!o.customized) return o.disk_size;
    if (sizeGb === undefined) throw paramError('This disk offering requires a custom size specified');
    const max = await this.maxGb();
    if (sizeGb <= 0 || sizeGb > max) throw paramError(`Invalid disk size ${sizeGb}: volume size should be between 1 and ${max} GB`);
    return sizeGb * GB;
  }

  async create(caller: Caller, p: { name: string; displayText?: string | undefined; diskSize?: number | undefined; customized?: boolean | undefined; tags?: string | undefined; storageType?: string | undefined; domainIds?: number[] | undefined }): Promise<DiskOfferingRow> {
    const customized = p.customized === true || p.diskSize === undefined;
    if (p.customized === false && p.diskSize === undefined) throw paramError('Disksize is required for a non-customized disk offering');
    const max = await this.maxGb();
    if (!customized && (p.diskSize! <= 0 || p.diskSize! > max)) throw paramError(`Disk size must be between 1 and ${max} GB`);
    const storageType = storageTypeOf(p.storageType);
    const domainId = await offeringDomain(this.db, caller, p.domainIds);
    const id = await this.db.kysely.transaction().execute(async (trx) => {
      const id = await insertId(trx, this.db.dialect, 'disk_offerings', {
        uuid: randomUUID(), name: p.name, display_text: p.displayText ?? p.name, disk_size: customized ? 0 : p.diskSize! * GB, customized: customized ? 1 : 0,
        tags: p.tags ?? null, storage_type: storageType, domain_id: domainId, state: 'Active', sort_key: 0, created: Date.now(), removed: null,
      });
      await this.record(trx, caller, 'DISK.OFFERING.CREATE', `Successfully created disk offering ${p.name}`);
      return id;
    });
    return this.get(id);
  }

  async update(caller: Caller, id: number, p: { name?: string | undefined; displayText?: string | undefined; sortKey?: number | undefined }): Promise<DiskOfferingRow> {
    const o = await this.get(id);
    checkManage(caller, o, 'disk offering');
    const set = renameSet(p);
    if (Object.keys(set).length) {
      await this.db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('disk_offerings').set(set).where('id', '=', id).execute();
        await this.record(trx, caller, 'DISK.OFFERING.EDIT', `Successfully updated disk offering ${o.name}`);
      });
    }
    return this.get(id);
  }

  /** Unused: removed. Used by volumes not yet removed: Inactive. */
  async delete(caller: Caller, id: number): Promise<void> {
    const o = await this.get(id);
    checkManage(caller, o, 'disk offering');
    await this.db.kysely.transaction().execute(async (trx) => {
      const used = await trx.selectFrom('volumes').select('id').where('disk_offering_id', '=', id).where('removed', 'is', null).executeTakeFirst();
      if (used) await trx.updateTable('disk_offerings').set({ state: 'Inactive' }).where('id', '=', id).execute();
      else await trx.updateTable('disk_offerings').set({ removed: Date.now(), state: 'Inactive' }).where('id', '=', id).execute();
      await this.record(trx, caller, 'DISK.OFFERING.DELETE', `Successfully deleted disk offering ${o.name}`);
    });
  }

  async list(caller: Caller, f: { id?: number | undefined; name?: string | undefined; keyword?: string | undefined; domainId?: number | undefined; storageType?: string | undefined; state?: string | undefined }, page: Page): Promise<{ rows: DiskOfferingRow[]; count: number }> {
    let q = visibleTo(query(this.db.kysely), caller, 'o');
    if (f.id !== undefined) q = q.where('o.id', '=', f.id);
    if (f.name !== undefined) q = q.where('o.name', '=', f.name);
    if (f.keyword) q = q.where((eb) => eb.or([eb('o.name', likeInsensitive(this.db.dialect), likePattern(f.keyword!)), eb('o.display_text', likeInsensitive(this.db.dialect), likePattern(f.keyword!))]));
    if (f.domainId !== undefined) q = q.where('o.domain_id', '=', f.domainId);
    if (f.storageType !== undefined) q = q.where('o.storage_type', '=', storageTypeOf(f.storageType));
    q = stateFilter(q, caller, f.state, 'o');
    return page.run(q.orderBy('o.sort_key').orderBy('o.id')) as Promise<{ rows: DiskOfferingRow[]; count: number }>;
  }

  private async maxGb(): Promise<number> {
    return (await this.config.getNumber('max.volume.size.gb')) || 2000;
  }

  private async record(trx: Kysely<Database>, caller: Caller, type: string, description: string): Promise<void> {
    await this.events.record({ type, description, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType: 'DiskOffering' }, trx);
  }
}
