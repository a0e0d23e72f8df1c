import { index, table, type Migration } from './helpers.js';

export const m0014Ha: Migration = {
  name: '0014-ha',
  async up(db, d) {
    await table(db, d, 'alerts')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('type', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('condition_key', 'varchar(255)', (c) => c.notNull())
      .addColumn('subject', 'varchar(999)', (c) => c.notNull())
      .addColumn('body', 'varchar(4096)')
      .addColumn('zone_id', 'integer')
      .addColumn('pod_id', 'integer')
      .addColumn('cluster_id', 'integer')
      .addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('last_sent', 'bigint', (c) => c.notNull())
      .addColumn('email_state', 'varchar(16)', (c) => c.notNull().defaultTo('none'))
      .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'alerts', ['condition_key']);
    await index(db, 'alerts', ['created']);
  },
};
