import { index, table, type Migration } from './helpers.js';

/** Secondary guest IPs of NICs (addIpToNic / removeIpFromNic), CloudStack's nic_secondary_ips. */
export const m0011NicSecondaryIps: Migration = {
  name: '0011-nic-secondary-ips',
  async up(db, d) {
    await table(db, d, 'nic_secondary_ips')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('nic_id', 'integer', (c) => c.notNull())
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .addColumn('network_id', 'integer', (c) => c.notNull())
      .addColumn('ip_address', 'varchar(40)', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    // A guest address is held once per network (NIC addresses are checked in code under the network's lock).
    await index(db, 'nic_secondary_ips', ['network_id', 'ip_address'], true);
    await index(db, 'nic_secondary_ips', ['nic_id']);
    await index(db, 'nic_secondary_ips', ['vm_id']);
  },
};
