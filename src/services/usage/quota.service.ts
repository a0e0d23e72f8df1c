/**
 * The Quota plugin's price list and statements. A tariff prices one unit of a usage type (an
 * hour of a running VM, a GB-hour of volume, a GB of network traffic: the seed's "$0.20/hour",
 * "$0.10/GB") over a date range; updating one ends it and starts its successor, so past
 * statements keep the price that applied then. Charges are computed from the usage records
 * each time they are asked for, never stored.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { Page } from '../paging.js';
import { paramError } from '../../api/errors.js';
import { USAGE, usageType } from './usage-types.js';

export interface TariffRow {
  id: number; uuid: string; name: string; description: string | null; usage_type: number; value: number; position: number;
  effective_ms: number; end_ms: number | null; created: number; removed: number | null;
}

/** What one unit is, per usage type (sized types are priced per GB-hour). */
export function quotaUnit(type: number): string {
  switch (type) {
    case USAGE.RUNNING_VM: case USAGE.ALLOCATED_VM: return 'Compute*Hour';
    case USAGE.IP_ADDRESS: return 'IP*Hour';
    case USAGE.NETWORK_BYTES_SENT: case USAGE.NETWORK_BYTES_RECEIVED: return 'GB';
    case USAGE.VOLUME: case USAGE.TEMPLATE: case USAGE.ISO: case USAGE.SNAPSHOT: return 'GB*Hour';
    case USAGE.VPN_USERS: return 'User*Hour';
    default: return 'Policy*Hour';
  }
}

const GB = 1024 ** 3;

/** Units of a record: hours, GB-hours for sized types, GB for network bytes. */
export function quotaUnits(r: { usage_type: number; raw: number; size: number | null }): number {
  const t = usageType(r.usage_type);
  if (t?.unit === 'bytes') return r.raw / GB;
  const hours = r.raw / 3_600_000;
  return quotaUnit(r.usage_type) === 'GB*Hour' ? hours * ((r.size ?? 0) / GB) : hours;
}

export interface TariffInput {
  name: string; usageType?: number | undefined; value?: number | undefined; description?: string | undefined; start?: Date | undefined; end?: Date | undefined; position?: number | undefined;
}

export interface StatementLine { usageType: number; quota: number }

export class QuotaService {
  clock: () => number = () => Date.now();
  constructor(private readonly db: Db, private readonly events: EventService) {}

  /** QUOTA.TARIFF.* in the change's transaction, owned by the acting admin's account. */
  private event(trx: Kysely<Database>, caller: Caller, type: string, t: { uuid: string; name: string }, what: string) {
    return this.events.record({ type, description: `${what} quota tariff ${t.name}`, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId, resourceType: 'QuotaTariff', resourceUuid: t.uuid }, trx);
  }

  async list(f: { id?: string | undefined; name?: string | undefined; usageType?: number | undefined; start?: Date | undefined; end?: Date | undefined; listAll?: boolean | undefined; onlyRemoved?: boolean | undefined; keyword?: string | undefined }, page: Page) {
    let q = this.db.kysely.selectFrom('quota_tariffs').selectAll();
    if (f.onlyRemoved) q = q.where('removed', 'is not', null);
    else if (!f.listAll) q = q.where('removed', 'is', null);
    if (f.id !== undefined) q = q.where('uuid', '=', f.id);
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    if (f.usageType !== undefined) q = q.where('usage_type', '=', f.usageType);
    if (f.start) q = q.where('effective_ms', '>=', f.start.getTime());
    if (f.end) q = q.where((eb) => eb.or([eb('end_ms', 'is', null), eb('end_ms', '<=', f.end!.getTime() + 1000)]));
    if (f.keyword) q = q.where('name', 'like', `%${f.keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    return page.run(q.orderBy('usage_type').orderBy('position').orderBy('id')) as Promise<{ rows: TariffRow[]; count: number }>;
  }

  private validate(t: { usageType: number; value: number; start: number; end: number | null }) {
    if (!usageType(t.usageType)) throw paramError(`Usage type ${t.usageType} is not a valid usage type`);
    if (!Number.isFinite(t.value) || t.value < 0) throw paramError('The tariff value must be a number not below zero');
    if (t.end !== null && t.end < t.start) throw paramError('The end date of the tariff is before its start date');
  }

  async create(caller: Caller, p: TariffInput & { usageType: number; value: number }): Promise<TariffRow> {
    const name = p.name.trim();
    if (!name) throw paramError('The tariff name must not be empty');
    const clash = await this.db.kysely.selectFrom('quota_tariffs').select('id').where('name', '=', name).where('removed', 'is', null).executeTakeFirst();
    if (clash) throw paramError(`A quota tariff named ${name} already exists`);
    const row = { uuid: randomUUID(), name, description: p.description ?? null, usage_type: p.usageType, value: p.value, position: p.position ?? 1,
      effective_ms: p.start?.getTime() ?? this.clock(), end_ms: p.end ? p.end.getTime() + 1000 : null, created: this.clock(), removed: null };
    this.validate({ usageType: row.usage_type, value: row.value, start: row.effective_ms, end: row.end_ms });
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('quota_tariffs').values(row).execute();
      await this.event(trx, caller, 'QUOTA.TARIFF.CREATE', row, 'Created');
    });
    return this.byUuid(row.uuid);
  }

  private async byUuid(uuid: string): Promise<TariffRow> {
    const t = await this.db.kysely.selectFrom('quota_tariffs').selectAll().where('uuid', '=', uuid).executeTakeFirst();
    if (!t) throw paramError(`Unable to find quota tariff ${uuid}`);
    return t as TariffRow;
  }

  /** Ends the active tariff of that name now and starts its successor with the changes. */
  async update(caller: Caller, p: TariffInput): Promise<TariffRow> {
    const old = (await this.db.kysely.selectFrom('quota_tariffs').selectAll().where('name', '=', p.name).where('removed', 'is', null).executeTakeFirst()) as TariffRow | undefined;
    if (!old) throw paramError(`Unable to find an active quota tariff named ${p.name}`);
    const now = this.clock();
    const next = {
      uuid: randomUUID(), name: old.name, description: p.description === undefined ? old.description : p.description || null, usage_type: p.usageType ?? Number(old.usage_type),
      value: p.value ?? Number(old.value), position: p.position ?? Number(old.position), effective_ms: p.start?.getTime() ?? Math.max(now, Number(old.effective_ms)),
      end_ms: p.end ? p.end.getTime() + 1000 : old.end_ms === null ? null : Number(old.end_ms), created: now, removed: null,
    };
    this.validate({ usageType: next.usage_type, value: next.value, start: next.effective_ms, end: next.end_ms });
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('quota_tariffs').set({ removed: now, end_ms: next.effective_ms }).where('id', '=', old.id).execute();
      await trx.insertInto('quota_tariffs').values(next).execute();
      await this.event(trx, caller, 'QUOTA.TARIFF.UPDATE', next, 'Updated');
    });
    return this.byUuid(next.uuid);
  }

  async remove(caller: Caller, uuid: string): Promise<void> {
    const t = await this.byUuid(uuid);
    if (t.removed !== null) throw paramError(`Quota tariff ${uuid} is already removed`);
    const now = this.clock();
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('quota_tariffs').set({ removed: now, end_ms: t.end_ms === null ? now : Math.min(Number(t.end_ms), now) }).where('id', '=', t.id).execute();
      await this.event(trx, caller, 'QUOTA.TARIFF.DELETE', t, 'Deleted');
    });
  }

  /**
   * An account's charges per usage type for its records lying in [start, end]: each record's
   * units times every tariff of its type in force at the record's start (removed tariffs
   * included, up to their end).
   */
  async statement(accountId: number, start: Date, end: Date, type?: number): Promise<StatementLine[]> {
    return this.charges(accountId, { from: start.getTime(), to: end.getTime() + 1000, type });
  }

  /** Charges per usage type of the account's records starting at or after `from` and ending by `to`. */
  async charges(accountId: number, f: { from?: number | undefined; to: number; type?: number | undefined }): Promise<StatementLine[]> {
    const tariffs = (await this.db.kysely.selectFrom('quota_tariffs').selectAll().execute()) as TariffRow[];
    let q = this.db.kysely.selectFrom('usage_records').select(['usage_type', 'raw', 'size', 'start_ms']).where('account_id', '=', accountId).where('end_ms', '<=', f.to);
    if (f.from !== undefined) q = q.where('start_ms', '>=', f.from);
    if (f.type !== undefined) q = q.where('usage_type', '=', f.type);
    const sums = new Map<number, number>();
    for (const r of await q.execute()) {
      const t0 = Number(r.start_ms);
      const rec = { usage_type: Number(r.usage_type), raw: Number(r.raw), size: r.size === null ? null : Number(r.size) };
      const price = tariffs.filter((t) => Number(t.usage_type) === rec.usage_type && Number(t.effective_ms) <= t0 && (t.end_ms === null || Number(t.end_ms) > t0))
        .reduce((a, t) => a + Number(t.value), 0);
      sums.set(rec.usage_type, (sums.get(rec.usage_type) ?? 0) + quotaUnits(rec) * price);
    }
    return [...sums].sort(([a], [b]) => a - b).map(([usageType, quota]) => ({ usageType, quota }));
  }
}
