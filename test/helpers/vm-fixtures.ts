/**
 * Rows the VM tests need from other areas (hosts, offerings, templates) written straight into
 * the server's database through the issue #5 table contract. Columns a table has beyond the
 * contract get a neutral value; a contract table an area has not shipped yet is created with
 * the contract's columns.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/db/dialect.js';
import { insertId } from '../../src/db/dialect.js';
import { table } from '../../src/db/migrations/helpers.js';

type Row = Record<string, string | number | null>;

const CONTRACT: Record<string, Record<string, 'int' | 'str'>> = {
  hosts: { uuid: 'str', name: 'str', zone_id: 'int', pod_id: 'int', cluster_id: 'int', status: 'str', resource_state: 'str', hypervisor_type: 'str', cpus: 'int', cpu_speed: 'int', total_memory: 'int', cpu_allocated: 'int', memory_allocated: 'int', host_tags: 'str', os_category_id: 'int', removed: 'int' },
  service_offerings: { uuid: 'str', name: 'str', cpu_number: 'int', cpu_speed: 'int', ram_size: 'int', offer_ha: 'int', storage_type: 'str', tags: 'str', host_tag: 'str', state: 'str', removed: 'int' },
  disk_offerings: { uuid: 'str', name: 'str', disk_size: 'int', customized: 'int', tags: 'str', state: 'str', removed: 'int' },
  guest_os: { uuid: 'str', category_id: 'int', display_name: 'str' },
  templates: { uuid: 'str', name: 'str', display_text: 'str', format: 'str', is_iso: 'int', hypervisor_type: 'str', guest_os_id: 'int', account_id: 'int', public: 'int', password_enabled: 'int', bootable: 'int', size: 'int', state: 'str', removed: 'int' },
  template_store_refs: { template_id: 'int', zone_id: 'int', download_state: 'str', install_path: 'str', size: 'int', removed: 'int' },
};

export class VmFixtures {
  private cols = new Map<string, Map<string, { nullable: boolean; hasDefault: boolean; type: string }>>();
  constructor(readonly db: Db) {}

  async init(): Promise<void> {
    const have = new Set((await this.db.kysely.introspection.getTables()).map((t) => t.name));
    for (const [name, cols] of Object.entries(CONTRACT)) {
      if (have.has(name)) continue;
      let b = table(this.db.kysely, this.db.dialect, name);
      for (const [c, t] of Object.entries(cols)) b = b.addColumn(c, t === 'int' ? 'bigint' : 'varchar(255)');
      await b.execute();
    }
    for (const t of await this.db.kysely.introspection.getTables()) {
      this.cols.set(t.name, new Map(t.columns.map((c) => [c.name, { nullable: c.isNullable, hasDefault: c.hasDefaultValue || c.isAutoIncrementing, type: c.dataType.toLowerCase() }])));
    }
  }

  /** Inserts `row`, giving every other NOT NULL column without default a neutral value. */
  async insert(tableName: string, row: Row): Promise<number> {
    const cols = this.cols.get(tableName)!;
    const full: Row = {};
    for (const [c, info] of cols) {
      if (c === 'id') continue;
      if (c in row) full[c] = row[c]!;
      else if (c === 'uuid') full[c] = randomUUID();
      else if (c === 'created') full[c] = Date.now();
      else if (!info.nullable && !info.hasDefault) full[c] = /int|num|dec|real|double|float|serial/.test(info.type) ? 0 : '';
    }
    return insertId(this.db.kysely, this.db.dialect, tableName as never, full);
  }

  async host(h: Row): Promise<number> {
    return this.insert('hosts', {
      uuid: randomUUID(), name: `host-${randomUUID().slice(0, 8)}`, status: 'Up', resource_state: 'Enabled', hypervisor_type: 'Simulator',
      cpus: 4, cpu_speed: 1000, total_memory: 8 * 1024 ** 3, cpu_allocated: 0, memory_allocated: 0, host_tags: null, os_category_id: null, removed: null, ...h,
    });
  }

  async serviceOffering(o: Row = {}): Promise<{ id: number; uuid: string }> {
    const uuid = randomUUID();
    const id = await this.insert('service_offerings', { uuid, name: `so-${uuid.slice(0, 6)}`, display_text: 'so', cpu_number: 1, cpu_speed: 500, ram_size: 512, offer_ha: 0, storage_type: 'shared', tags: null, host_tag: null, state: 'Active', removed: null, ...o });
    return { id, uuid };
  }

  async diskOffering(o: Row = {}): Promise<{ id: number; uuid: string }> {
    const uuid = randomUUID();
    const id = await this.insert('disk_offerings', { uuid, name: `do-${uuid.slice(0, 6)}`, display_text: 'do', disk_size: 5 * 1024 ** 3, customized: 0, tags: null, storage_type: 'shared', state: 'Active', removed: null, ...o });
    return { id, uuid };
  }

  async guestOs(categoryId = 1): Promise<number> {
    const row = await sql<{ id: number }>`select id from guest_os where category_id = ${categoryId}`.execute(this.db.kysely);
    if (row.rows[0]) return Number(row.rows[0].id);
    return this.insert('guest_os', { uuid: randomUUID(), category_id: categoryId, display_name: `Test OS ${categoryId}` });
  }

  /** A template downloaded to the zone (install path on secondary storage). */
  async template(zoneId: number, o: Row = {}): Promise<{ id: number; uuid: string }> {
    const uuid = randomUUID();
    const id = await this.insert('templates', {
      uuid, name: `tpl-${uuid.slice(0, 6)}`, display_text: 'tpl', format: 'QCOW2', is_iso: 0, hypervisor_type: 'Simulator', guest_os_id: await this.guestOs(),
      account_id: 1, domain_id: 1, public: 1, featured: 0, password_enabled: 0, bootable: 1, size: 2 * 1024 ** 3, state: 'Active', removed: null, ...o,
    });
    await this.insert('template_store_refs', { template_id: id, zone_id: zoneId, download_state: 'DOWNLOADED', install_path: `template/tmpl/1/${id}/${uuid}.qcow2`, size: 2 * 1024 ** 3, removed: null });
    return { id, uuid };
  }
}
