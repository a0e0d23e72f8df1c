import { index, table, type Migration } from './helpers.js';

export const m0009Snapshots: Migration = {
  name: '0009-snapshots',
  async up(db, d) {
    await table(db, d, 'snapshots')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('volume_id', 'integer', (c) => c.notNull())
      .addColumn('snapshot_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('interval_type', 'varchar(16)')
      .addColumn('policy_id', 'integer')
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('physical_size', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('parent_id', 'integer')
      .addColumn('chain_depth', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('primary_path', 'varchar(1024)')
      .addColumn('msid', 'varchar(64)')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'snapshots', ['volume_id']);
    await index(db, 'snapshots', ['account_id']);
    await index(db, 'snapshots', ['policy_id']);

    await table(db, d, 'snapshot_store_refs')
      .addColumn('snapshot_id', 'integer', (c) => c.notNull().unique())
      .addColumn('store_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('install_path', 'varchar(1024)', (c) => c.notNull())
      .addColumn('physical_size', 'bigint', (c) => c.notNull())
      .addColumn('parent_snapshot_id', 'integer')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'snapshot_store_refs', ['store_id']);
    await index(db, 'snapshot_store_refs', ['parent_snapshot_id']);

    await table(db, d, 'snapshot_policies')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('volume_id', 'integer', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('interval_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('schedule', 'varchar(32)', (c) => c.notNull())
      .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
      .addColumn('max_snaps', 'integer', (c) => c.notNull())
      .addColumn('display', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('next_run', 'bigint', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    // One policy per interval type per volume, enforced by the database (concurrent creates).
    await index(db, 'snapshot_policies', ['volume_id', 'interval_type'], true);
    await index(db, 'snapshot_policies', ['next_run']);
  },
};
