import { index, type Migration } from './helpers.js';

export const m0015Stats: Migration = {
  name: '0015-stats',
  async up(db, d) {
    // Thousands of VMs sampled every minute wrap a 32-bit serial within months: the history's id is 64-bit.
    let vmStats = db.schema.createTable('vm_stats');
    if (d === 'postgres') vmStats = vmStats.addColumn('id', 'bigserial', (c) => c.primaryKey());
    else if (d === 'mysql') vmStats = vmStats.addColumn('id', 'bigint', (c) => c.primaryKey().autoIncrement());
    else vmStats = vmStats.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
    await vmStats
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'integer', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('cpu_used', 'integer', (c) => c.notNull())
      .addColumn('memory_kbs', 'bigint', (c) => c.notNull())
      .addColumn('memory_int_free_kbs', 'bigint')
      .addColumn('memory_target_kbs', 'bigint')
      .addColumn('network_read_kbs', 'bigint', (c) => c.notNull())
      .addColumn('network_write_kbs', 'bigint', (c) => c.notNull())
      .addColumn('disk_read_kbs', 'bigint', (c) => c.notNull())
      .addColumn('disk_write_kbs', 'bigint', (c) => c.notNull())
      .addColumn('disk_read_ios', 'bigint')
      .addColumn('disk_write_ios', 'bigint')
      .execute();
    await index(db, 'vm_stats', ['vm_id', 'timestamp']);
    await index(db, 'vm_stats', ['timestamp']);
    await db.schema.createTable('host_stats')
      .addColumn('host_id', 'integer', (c) => c.primaryKey())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('cpu_used', 'integer', (c) => c.notNull())
      .addColumn('memory_used', 'bigint', (c) => c.notNull())
      .addColumn('network_read_kbs', 'bigint', (c) => c.notNull())
      .addColumn('network_write_kbs', 'bigint', (c) => c.notNull())
      .addColumn('cpu_load_average', 'integer')
      .execute();
  },
};
