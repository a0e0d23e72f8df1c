import { index, table, type Migration } from './helpers.js';

/** Quota plugin credits (CloudStack's quota_credits): deposits (or withdrawals) per account. */
export const m0016QuotaCredits: Migration = {
  name: '0016-quota-credits',
  async up(db, d) {
    await table(db, d, 'quota_credits')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('credit', 'double precision', (c) => c.notNull())
      .addColumn('creditor_user_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'quota_credits', ['account_id', 'created']);
  },
};
