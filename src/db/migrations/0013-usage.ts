import { index, table, type Migration } from './helpers.js';

export const m0013Usage: Migration = {
  name: '0013-usage',
  async up(db, d) {
    const common = (b: ReturnType<typeof table>) => b
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('zone_uuid', 'varchar(40)')
      .addColumn('usage_type', 'integer', (c) => c.notNull())
      .addColumn('usage_id', 'varchar(40)', (c) => c.notNull())
      .addColumn('vm_uuid', 'varchar(40)')
      .addColumn('name', 'varchar(255)')
      .addColumn('offering_uuid', 'varchar(40)')
      .addColumn('template_uuid', 'varchar(40)')
      .addColumn('size', 'bigint')
      .addColumn('extra', 'varchar(1024)');

    await common(table(db, d, 'usage_intervals'))
      .addColumn('start_ms', 'bigint', (c) => c.notNull())
      .addColumn('end_ms', 'bigint')
      .execute();
    await index(db, 'usage_intervals', ['usage_id', 'end_ms']);
    await index(db, 'usage_intervals', ['end_ms']);
    await index(db, 'usage_intervals', ['start_ms']);

    await common(table(db, d, 'usage_records').addColumn('period_id', 'integer', (c) => c.notNull()))
      .addColumn('raw', 'bigint', (c) => c.notNull())
      .addColumn('description', 'varchar(1024)', (c) => c.notNull())
      .addColumn('start_ms', 'bigint', (c) => c.notNull())
      .addColumn('end_ms', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'usage_records', ['account_id', 'start_ms']);
    await index(db, 'usage_records', ['start_ms']);
    await index(db, 'usage_records', ['period_id']);

    await table(db, d, 'usage_periods')
      .addColumn('start_ms', 'bigint', (c) => c.notNull().unique())
      .addColumn('end_ms', 'bigint', (c) => c.notNull())
      .addColumn('msid', 'varchar(64)', (c) => c.notNull())
      .addColumn('started', 'bigint', (c) => c.notNull())
      .addColumn('finished', 'bigint')
      .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await table(db, d, 'usage_network_counters')
      .addColumn('counter_key', 'varchar(128)', (c) => c.notNull().unique())
      .addColumn('sent', 'bigint', (c) => c.notNull())
      .addColumn('received', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .execute();

    await table(db, d, 'usage_network_bytes')
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('zone_uuid', 'varchar(40)')
      .addColumn('network_uuid', 'varchar(40)', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('sent', 'bigint', (c) => c.notNull())
      .addColumn('received', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'usage_network_bytes', ['at_ms']);

    // Quota plugin price list: a value per unit of a usage type, effective over a date range.
    await table(db, d, 'quota_tariffs')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'varchar(1024)')
      .addColumn('usage_type', 'integer', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('effective_ms', 'bigint', (c) => c.notNull())
      .addColumn('end_ms', 'bigint')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'quota_tariffs', ['usage_type']);
  },
};
