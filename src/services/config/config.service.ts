/**
 * Global settings: defaults from SETTINGS, values from the `configuration` table, and
 * narrower overrides (account, domain, zone, cluster, pool) from `config_overrides`.
 * Values are cached in memory and refreshed on every update made through this service;
 * other servers of a farm pick changes up within `CACHE_MS`.
 */
import type { Db } from '../../db/dialect.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import { SETTINGS, type SettingDef, type SettingScope } from '../../config/settings.js';
import { CloudError, paramError } from '../../api/errors.js';

const CACHE_MS = 5000;
const BY_NAME = new Map(SETTINGS.map((s) => [s.name, s]));

export interface SettingValue extends SettingDef {
  value: string | null;
  /** When listed for a scope: whether the value there is an override. */
  isOverride?: boolean;
}

export class ConfigService {
  private values = new Map<string, string | null>();
  private loadedAt = 0;
  /** Set after construction (events are built later in app.ts); used by `set`. */
  events: EventService | undefined;
  /** Called after every change (so caches derived from settings can be dropped). */
  onChange: () => void = () => {};
  constructor(private readonly db: Db) {}

  static definition(name: string): SettingDef | undefined {
    return BY_NAME.get(name);
  }

  async load(): Promise<void> {
    const rows = await this.db.kysely.selectFrom('configuration').select(['name', 'value']).execute();
    this.values = new Map(rows.map((r) => [r.name, r.value]));
    this.loadedAt = Date.now();
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt > CACHE_MS) await this.load();
  }

  /** Synchronous read from the cache; use on hot paths after `load()`. */
  peek(name: string): string | null {
    const def = BY_NAME.get(name);
    if (!def) throw new CloudError('Internal', `unknown setting ${name}`);
    // A stored null means "reset to the default".
    const v = this.values.get(name);
    return v === undefined || v === null ? def.defaultValue : v;
  }

  async get(name: string, scope?: { kind: SettingScope; id: number }): Promise<string | null> {
    await this.fresh();
    if (scope) {
      const o = await this.db.kysely
        .selectFrom('config_overrides')
        .select('value')
        .where('scope', '=', scope.kind)
        .where('scope_id', '=', scope.id)
        .where('name', '=', name)
        .executeTakeFirst();
      if (o) return o.value;
    }
    return this.peek(name);
  }

  async getNumber(name: string, scope?: { kind: SettingScope; id: number }): Promise<number> {
    const v = await this.get(name, scope);
    return v === null || v === '' ? NaN : Number(v);
  }

  async getBoolean(name: string, scope?: { kind: SettingScope; id: number }): Promise<boolean> {
    return (await this.get(name, scope))?.toLowerCase() === 'true';
  }

  numberSync(name: string): number {
    const v = this.peek(name);
    return v === null || v === '' ? NaN : Number(v);
  }

  /** Validates a value against the setting's type (431 on mismatch). */
  static validate(def: SettingDef, value: string | null): void {
    if (value === null || value === '') return;
    const bad = (what: string) => paramError(`Please enter a valid ${what} value for parameter ${def.name}`);
    switch (def.type) {
      case 'Integer':
      case 'Long':
        if (!/^-?\d+$/.test(value)) throw bad('integer');
        break;
      case 'Float':
      case 'Double':
        if (!Number.isFinite(Number(value))) throw bad('number');
        break;
      case 'Boolean':
        if (!/^(true|false)$/i.test(value)) throw bad('boolean (true/false)');
        break;
      default:
        break;
    }
  }

  /**
   * Changes a setting globally or for one scope and records CONFIGURATION.VALUE.EDIT in the
   * same transaction. An empty or null value resets it to the default (or the global value).
   */
  async set(caller: Caller, name: string, value: string | null, scope?: { kind: SettingScope; id: number }): Promise<SettingValue> {
    const def = BY_NAME.get(name);
    if (!def) throw paramError(`Configuration ${name} does not exist`);
    const v = value === '' ? null : value;
    ConfigService.validate(def, v);
    const scoped = scope && scope.kind !== 'Global' ? scope : undefined;
    if (scoped && !def.scope.includes(scoped.kind)) throw paramError(`Configuration ${name} cannot be set at ${scoped.kind} scope`);
    const now = Date.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      if (scoped) {
        await trx.deleteFrom('config_overrides').where('scope', '=', scoped.kind).where('scope_id', '=', scoped.id).where('name', '=', name).execute();
        if (v !== null) await trx.insertInto('config_overrides').values({ scope: scoped.kind, scope_id: scoped.id, name, value: v }).execute();
      } else {
        const updated = await trx.updateTable('configuration').set({ value: v, updated: now }).where('name', '=', name).executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) await trx.insertInto('configuration').values({ name, value: v, updated: now }).execute();
      }
      await this.events?.record(
        { type: 'CONFIGURATION.VALUE.EDIT', description: `Setting ${name} changed${scoped ? ` for ${scoped.kind.toLowerCase()} ${scoped.id}` : ''}`, userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId },
        trx,
      );
    });
    if (!scoped) this.values.set(name, v);
    this.onChange();
    if (scoped) return v === null ? { ...def, value: this.peek(name) } : { ...def, value: v, isOverride: true };
    return { ...def, value: this.peek(name) };
  }

  async list(filter: { name?: string | undefined; category?: string | undefined; keyword?: string | undefined; scope?: { kind: SettingScope; id: number } | undefined }): Promise<SettingValue[]> {
    await this.fresh();
    let defs = SETTINGS;
    if (filter.scope) defs = defs.filter((d) => d.scope.includes(filter.scope!.kind));
    if (filter.name) defs = defs.filter((d) => d.name.toLowerCase().includes(filter.name!.toLowerCase()));
    if (filter.category) defs = defs.filter((d) => d.category.toLowerCase() === filter.category!.toLowerCase());
    if (filter.keyword) {
      const kw = filter.keyword.toLowerCase();
      defs = defs.filter((d) => d.name.toLowerCase().includes(kw) || d.description.toLowerCase().includes(kw));
    }
    const overrides = new Map<string, string | null>();
    if (filter.scope) {
      const rows = await this.db.kysely
        .selectFrom('config_overrides')
        .select(['name', 'value'])
        .where('scope', '=', filter.scope.kind)
        .where('scope_id', '=', filter.scope.id)
        .execute();
      for (const r of rows) overrides.set(r.name, r.value);
    }
    return defs.map((d) => (overrides.has(d.name) ? { ...d, value: overrides.get(d.name)!, isOverride: true } : { ...d, value: this.peek(d.name) }));
  }
}
