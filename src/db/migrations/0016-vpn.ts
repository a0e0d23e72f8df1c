import { index, table, type Migration } from './helpers.js';

/** Remote access VPN on a network's source NAT address, and the account-wide VPN users it authenticates. */
export const m0016Vpn: Migration = {
  name: '0016-vpn',
  async up(db, d) {
    await table(db, d, 'remote_access_vpns')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('network_id', 'integer', (c) => c.notNull())
      .addColumn('ip_address_id', 'integer', (c) => c.notNull())
      .addColumn('ip_range', 'varchar(64)', (c) => c.notNull())
      .addColumn('psk', 'varchar(256)', (c) => c.notNull())
      .addColumn('open_firewall', 'integer', (c) => c.notNull())
      .addColumn('for_display', 'integer', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'remote_access_vpns', ['ip_address_id']);
    await index(db, 'remote_access_vpns', ['account_id']);
    await table(db, d, 'vpn_users')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('username', 'varchar(255)', (c) => c.notNull())
      .addColumn('password', 'varchar(255)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'vpn_users', ['account_id', 'username']);
  },
};
