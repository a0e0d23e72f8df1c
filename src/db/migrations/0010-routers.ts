import { index, table, type Migration } from './helpers.js';

/**
 * Virtual routers: the router itself is a `vm_instances` row of type DomainRouter (one state
 * table for all VMs); this row ties it to its guest network and holds its three NICs' addresses
 * and what its host last acknowledged applying.
 */
export const m0010Routers: Migration = {
  name: '0010-routers',
  async up(db, d) {
    await table(db, d, 'domain_routers')
      .addColumn('vm_id', 'integer', (c) => c.notNull().unique())
      .addColumn('network_id', 'integer', (c) => c.notNull())
      .addColumn('guest_ip', 'varchar(64)')
      .addColumn('public_ip_id', 'integer')
      .addColumn('link_local_ip', 'varchar(64)', (c) => c.notNull())
      .addColumn('applied_version', 'varchar(64)')
      .addColumn('applied_at', 'bigint')
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'domain_routers', ['network_id']);
  },
};
