import { index, longText, table, type Migration } from './helpers.js';

export const m0006Vms: Migration = {
  name: '0006-vms',
  async up(db, d) {
    await table(db, d, 'vm_instances')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('instance_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('display_name', 'varchar(255)')
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('pod_id', 'integer')
      .addColumn('cluster_id', 'integer')
      .addColumn('host_id', 'integer')
      .addColumn('last_host_id', 'integer')
      .addColumn('service_offering_id', 'integer', (c) => c.notNull())
      .addColumn('template_id', 'integer')
      .addColumn('iso_id', 'integer')
      .addColumn('guest_os_id', 'integer', (c) => c.notNull())
      .addColumn('ha_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('user_data', longText(d))
      .addColumn('ssh_keypair_id', 'integer')
      .addColumn('password', 'varchar(255)')
      .addColumn('update_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('state_changed', 'bigint', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'vm_instances', ['account_id']);
    await index(db, 'vm_instances', ['host_id']);
    await index(db, 'vm_instances', ['state']);

    await table(db, d, 'volumes')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('volume_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('pool_id', 'integer')
      .addColumn('vm_id', 'integer')
      .addColumn('device_id', 'integer')
      .addColumn('disk_offering_id', 'integer')
      .addColumn('template_id', 'integer')
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('path', 'varchar(1024)')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'volumes', ['vm_id']);
    await index(db, 'volumes', ['account_id']);
  },
};
