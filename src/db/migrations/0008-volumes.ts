import { index, table, type Migration } from './helpers.js';

/**
 * Data volumes (issue #6): the columns CloudStack keeps per volume that the ROOT-only table
 * lacked (optimistic `update_count` for the state table, when it was attached, the pool it
 * left on migration) and the download links of extractVolume.
 */
export const m0008Volumes: Migration = {
  name: '0008-volumes',
  async up(db, d) {
    await db.schema.alterTable('volumes').addColumn('update_count', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('volumes').addColumn('attached', 'bigint').execute();
    await db.schema.alterTable('volumes').addColumn('state_changed', 'bigint').execute();
    await db.schema.alterTable('volumes').addColumn('last_pool_id', 'integer').execute();
    await index(db, 'volumes', ['pool_id']);
    await index(db, 'volumes', ['zone_id', 'state']);

    await table(db, d, 'volume_extracts')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('volume_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('token', 'varchar(64)', (c) => c.notNull().unique())
      /** File on the zone's secondary storage holding the copy. */
      .addColumn('install_path', 'varchar(1024)', (c) => c.notNull())
      .addColumn('expires', 'bigint', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
  },
};
