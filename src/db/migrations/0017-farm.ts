import type { Migration } from './helpers.js';

/**
 * The management server farm (issue #12): when a server last stopped, the address other
 * servers forward agent commands to and the key they sign them with; one lease row per
 * scheduler so that each runs on exactly one server at a time.
 */
export const m0017Farm: Migration = {
  name: '0017-farm',
  async up(db) {
    await db.schema.alterTable('management_servers').addColumn('stopped', 'bigint').execute();
    await db.schema.alterTable('management_servers').addColumn('internal_url', 'varchar(255)').execute();
    await db.schema.alterTable('management_servers').addColumn('internal_key', 'varchar(128)').execute();
    await db.schema
      .createTable('scheduler_leases')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('holder', 'varchar(64)', (c) => c.notNull())
      .addColumn('expires', 'bigint', (c) => c.notNull())
      .execute();
  },
};
