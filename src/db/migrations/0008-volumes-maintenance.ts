import { index, table, type Migration } from './helpers.js';

/**
 * Storage pool maintenance (issue #6): which VMs maintenance stopped, so that cancelling it
 * starts exactly those again (CloudStack's storage_pool_work).
 */
export const m0008VolumesMaintenance: Migration = {
  name: '0008-volumes-maintenance',
  async up(db, d) {
    await table(db, d, 'storage_pool_work')
      .addColumn('pool_id', 'integer', (c) => c.notNull())
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .addColumn('stopped_for_maintenance', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('started_after_maintenance', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'storage_pool_work', ['pool_id', 'vm_id'], true);
  },
};
