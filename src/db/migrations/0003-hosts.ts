import { index, table, type Migration } from './helpers.js';

export const m0003Hosts: Migration = {
  name: '0003-hosts',
  async up(db, d) {
    await table(db, d, 'hosts')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('pod_id', 'integer', (c) => c.notNull())
      .addColumn('cluster_id', 'integer', (c) => c.notNull())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('resource_state', 'varchar(32)', (c) => c.notNull())
      .addColumn('hypervisor_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('hypervisor_version', 'varchar(64)')
      .addColumn('cpu_sockets', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cpus', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cpu_speed', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('total_memory', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('cpu_allocated', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('memory_allocated', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('local_storage', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('arch', 'varchar(16)', (c) => c.notNull().defaultTo('x86_64'))
      .addColumn('host_tags', 'varchar(4096)')
      .addColumn('os_category_id', 'integer')
      .addColumn('private_ip', 'varchar(64)')
      .addColumn('url', 'varchar(2048)')
      .addColumn('last_ping', 'bigint')
      .addColumn('mgmt_server_id', 'varchar(64)')
      .addColumn('status_changed', 'bigint', (c) => c.notNull())
      .addColumn('disconnected', 'bigint')
      // sha256 hex of the per-host secret (issued once) and of the pending addHost token.
      .addColumn('secret_hash', 'varchar(64)')
      .addColumn('token_hash', 'varchar(64)')
      .addColumn('update_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'hosts', ['cluster_id']);
    await index(db, 'hosts', ['status']);
    await index(db, 'hosts', ['token_hash']);

    // Self-registration (Community Edition flow): a token lets new agents join one cluster.
    await table(db, d, 'host_registration_tokens')
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('pod_id', 'integer', (c) => c.notNull())
      .addColumn('cluster_id', 'integer', (c) => c.notNull())
      .addColumn('uses_left', 'integer')
      .addColumn('expires', 'bigint')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();

    // configureSimulator rules (CloudStack's mockconfiguration).
    await table(db, d, 'simulator_mocks')
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('value', 'varchar(255)', (c) => c.notNull())
      .addColumn('zone_id', 'integer')
      .addColumn('pod_id', 'integer')
      .addColumn('cluster_id', 'integer')
      .addColumn('host_id', 'integer')
      .addColumn('count', 'integer')
      .addColumn('json_response', 'varchar(4096)')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
  },
};
