import { index, longText, table, type Migration } from './helpers.js';

export const m0001Core: Migration = {
  name: '0001-core',
  async up(db, d) {
    await table(db, d, 'domains')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('parent_id', 'integer')
      .addColumn('path', 'varchar(1024)', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('network_domain', 'varchar(255)')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'domains', ['parent_id']);

    await table(db, d, 'roles')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('role_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('description', 'varchar(1024)')
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('removed', 'bigint')
      .execute();

    await table(db, d, 'role_permissions')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('role_id', 'integer', (c) => c.notNull())
      .addColumn('rule', 'varchar(255)', (c) => c.notNull())
      .addColumn('permission', 'varchar(16)', (c) => c.notNull())
      .addColumn('description', 'varchar(1024)')
      .addColumn('sort_order', 'integer', (c) => c.notNull())
      .execute();
    await index(db, 'role_permissions', ['role_id']);

    await table(db, d, 'accounts')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('account_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('type', 'integer', (c) => c.notNull())
      .addColumn('role_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('network_domain', 'varchar(255)')
      .addColumn('default_zone_id', 'integer')
      .addColumn('cleanup_needed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'accounts', ['domain_id']);
    await index(db, 'accounts', ['account_name']);

    await table(db, d, 'users')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('username', 'varchar(255)', (c) => c.notNull())
      .addColumn('password', 'varchar(255)', (c) => c.notNull())
      .addColumn('firstname', 'varchar(255)', (c) => c.notNull())
      .addColumn('lastname', 'varchar(255)', (c) => c.notNull())
      .addColumn('email', 'varchar(255)')
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('api_key', 'varchar(255)', (c) => c.unique())
      .addColumn('secret_key', 'varchar(255)')
      .addColumn('timezone', 'varchar(64)')
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('source', 'varchar(32)', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('login_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'users', ['account_id']);
    await index(db, 'users', ['username']);

    await table(db, d, 'sessions')
      .addColumn('session_id', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('session_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('last_access', 'bigint', (c) => c.notNull())
      .execute();

    await table(db, d, 'events')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('type', 'varchar(64)', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('description', 'varchar(2048)', (c) => c.notNull())
      .addColumn('level', 'varchar(16)', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('start_id', 'integer')
      .addColumn('resource_type', 'varchar(64)')
      .addColumn('resource_uuid', 'varchar(40)')
      .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await index(db, 'events', ['account_id']);
    await index(db, 'events', ['created']);

    await table(db, d, 'async_jobs')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('cmd', 'varchar(128)', (c) => c.notNull())
      .addColumn('cmd_info', longText(d), (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('process_status', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('result_code', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('result_type', 'varchar(16)')
      .addColumn('result', longText(d))
      .addColumn('instance_type', 'varchar(64)')
      .addColumn('instance_uuid', 'varchar(40)')
      .addColumn('start_event_id', 'integer')
      .addColumn('msid', 'varchar(64)')
      .addColumn('lease_until', 'bigint')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .addColumn('completed', 'bigint')
      .execute();
    await index(db, 'async_jobs', ['status']);
    await index(db, 'async_jobs', ['account_id']);

    await db.schema
      .createTable('configuration')
      .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('value', 'varchar(4096)')
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .execute();

    await table(db, d, 'config_overrides')
      .addColumn('scope', 'varchar(32)', (c) => c.notNull())
      .addColumn('scope_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('value', 'varchar(4096)')
      .execute();
    await index(db, 'config_overrides', ['scope', 'scope_id', 'name'], true);

    await table(db, d, 'management_servers')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('msid', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('service_ip', 'varchar(64)', (c) => c.notNull())
      .addColumn('version', 'varchar(32)', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('last_seen', 'bigint', (c) => c.notNull())
      .addColumn('started', 'bigint', (c) => c.notNull())
      .execute();
  },
};
