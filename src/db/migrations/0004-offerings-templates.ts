import { randomUUID } from 'node:crypto';
import { index, table, type AnyDb, type Migration } from './helpers.js';
import type { DialectName } from '../dialect.js';
import { GUEST_OS_SEED, DISK_OFFERING_SEED, SERVICE_OFFERING_SEED } from './0004-seed.js';

const GB = 1024 ** 3;

export const m0004OfferingsTemplates: Migration = {
  name: '0004-offerings-templates',
  async up(db, d) {
    await offeringTables(db, d);
    await templateTables(db, d);
    await seed(db);
  },
};

async function offeringTables(db: AnyDb, d: DialectName): Promise<void> {
  await table(db, d, 'service_offerings')
    .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_text', 'varchar(4096)', (c) => c.notNull())
    .addColumn('cpu_number', 'integer', (c) => c.notNull())
    .addColumn('cpu_speed', 'integer', (c) => c.notNull())
    .addColumn('ram_size', 'integer', (c) => c.notNull())
    .addColumn('offer_ha', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('tags', 'varchar(4096)')
    .addColumn('host_tag', 'varchar(4096)')
    .addColumn('network_rate', 'integer')
    .addColumn('limit_cpu_use', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('domain_id', 'integer')
    .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vm_type', 'varchar(32)')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('sort_key', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('default_use', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await table(db, d, 'disk_offerings')
    .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_text', 'varchar(4096)', (c) => c.notNull())
    .addColumn('disk_size', 'bigint', (c) => c.notNull())
    .addColumn('customized', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tags', 'varchar(4096)')
    .addColumn('storage_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('domain_id', 'integer')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('sort_key', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await table(db, d, 'guest_os_categories')
    .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .execute();
  await table(db, d, 'guest_os')
    .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('category_id', 'integer', (c) => c.notNull())
    .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
    .execute();
}

async function templateTables(db: AnyDb, d: DialectName): Promise<void> {
  await table(db, d, 'templates')
    .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_text', 'varchar(4096)', (c) => c.notNull())
    .addColumn('format', 'varchar(16)', (c) => c.notNull())
    .addColumn('is_iso', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hypervisor_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('guest_os_id', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('domain_id', 'integer', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extractable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('password_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bootable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('template_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('url', 'varchar(2048)')
    .addColumn('checksum', 'varchar(255)')
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('cross_zones', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await index(db, 'templates', ['account_id']);
  await table(db, d, 'template_store_refs')
    .addColumn('template_id', 'integer', (c) => c.notNull())
    .addColumn('image_store_id', 'integer', (c) => c.notNull())
    .addColumn('zone_id', 'integer', (c) => c.notNull())
    .addColumn('download_state', 'varchar(32)', (c) => c.notNull())
    .addColumn('download_pct', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_str', 'varchar(4096)')
    .addColumn('install_path', 'varchar(2048)')
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('physical_size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('source_ref_id', 'integer')
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await index(db, 'template_store_refs', ['template_id']);
  await index(db, 'template_store_refs', ['download_state']);
  await table(db, d, 'launch_permissions')
    .addColumn('template_id', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .execute();
  await index(db, 'launch_permissions', ['template_id', 'account_id'], true);
  await table(db, d, 'template_extracts')
    .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('template_id', 'integer', (c) => c.notNull())
    .addColumn('ref_id', 'integer', (c) => c.notNull())
    .addColumn('token', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('expires', 'bigint', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
}

async function seed(db: AnyDb): Promise<void> {
  const now = Date.now();
  let sort = 0;
  for (const o of SERVICE_OFFERING_SEED) {
    await db.insertInto('service_offerings').values({
      uuid: randomUUID(), name: o.name, display_text: o.displayText, cpu_number: o.cpu, cpu_speed: o.mhz, ram_size: o.ram, offer_ha: 0,
      storage_type: 'shared', tags: null, host_tag: null, network_rate: o.networkRate ?? null, limit_cpu_use: 0, domain_id: null,
      is_system: o.vmType ? 1 : 0, vm_type: o.vmType ?? null, state: 'Active', sort_key: sort++, default_use: o.vmType ? 1 : 0, created: now, removed: null,
    }).execute();
  }
  sort = 0;
  for (const o of DISK_OFFERING_SEED) {
    await db.insertInto('disk_offerings').values({
      uuid: randomUUID(), name: o.name, display_text: o.displayText, disk_size: o.gb * GB, customized: o.gb === 0 ? 1 : 0, tags: null,
      storage_type: 'shared', domain_id: null, state: 'Active', sort_key: sort++, created: now, removed: null,
    }).execute();
  }
  for (const [category, types] of GUEST_OS_SEED) {
    const uuid = randomUUID();
    await db.insertInto('guest_os_categories').values({ uuid, name: category }).execute();
    const cat = (await db.selectFrom('guest_os_categories').select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow()).id as number;
    for (const t of types) await db.insertInto('guest_os').values({ uuid: randomUUID(), category_id: cat, display_name: t }).execute();
  }
}
