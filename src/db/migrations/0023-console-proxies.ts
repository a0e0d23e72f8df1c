import { index, table, type Migration } from './helpers.js';

/**
 * Console proxies as records (issue #11's proxy rules, #12's farm): one `v-<id>-VM` row per
 * management server and zone, with the address viewers use, its state and the load it last
 * reported; console sessions name the proxy that serves them.
 */
export const m0023ConsoleProxies: Migration = {
  name: '0023-console-proxies',
  async up(db, d) {
    await table(db, d, 'console_proxies')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('msid', 'varchar(40)', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('public_url', 'varchar(255)', (c) => c.notNull())
      .addColumn('agent_url', 'varchar(255)', (c) => c.notNull())
      .addColumn('active_sessions', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_load_scan', 'bigint')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'console_proxies', ['zone_id', 'state']);
    await index(db, 'console_proxies', ['msid', 'zone_id']);
    await db.schema.alterTable('console_sessions').addColumn('proxy_id', 'integer').execute();
    await index(db, 'console_sessions', ['proxy_id', 'removed']);
  },
};
