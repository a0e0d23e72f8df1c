import { index, table, type Migration } from './helpers.js';

/**
 * Storage outages (issue #9): which hosts report a primary pool unreachable (the pool is Down
 * while a connected host does), which VMs stopped because their pool went away (HA restarts
 * them when it is back; a user's stop is never recorded here), and since when an image store
 * (secondary storage) has been unavailable.
 */
export const m0024StorageOutages: Migration = {
  name: '0024-storage-outages',
  async up(db, d) {
    await table(db, d, 'storage_pool_host_outages')
      .addColumn('pool_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'integer', (c) => c.notNull())
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'varchar(255)')
      .execute();
    await index(db, 'storage_pool_host_outages', ['pool_id', 'host_id'], true);
    await table(db, d, 'storage_outage_vms')
      .addColumn('pool_id', 'integer', (c) => c.notNull())
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'storage_outage_vms', ['vm_id', 'pool_id'], true);
    await db.schema.alterTable('image_stores').addColumn('outage_since', 'bigint').execute();
    await db.schema.alterTable('image_stores').addColumn('outage_reason', 'varchar(255)').execute();
  },
};
