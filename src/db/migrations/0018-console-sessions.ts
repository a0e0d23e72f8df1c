import { index, table, type Migration } from './helpers.js';

export const m0018ConsoleSessions: Migration = {
  name: '0018-console-sessions',
  async up(db, d) {
    await table(db, d, 'console_sessions')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('expires', 'bigint', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('instance_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'integer', (c) => c.notNull())
      .addColumn('acquired', 'bigint')
      .addColumn('removed', 'bigint')
      .addColumn('msid', 'varchar(40)')
      .addColumn('client_address', 'varchar(64)')
      .execute();
    await index(db, 'console_sessions', ['instance_id']);
    await index(db, 'console_sessions', ['account_id']);
  },
};
