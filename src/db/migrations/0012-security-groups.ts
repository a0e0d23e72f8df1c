import { index, table, type Migration } from './helpers.js';

export const m0012SecurityGroups: Migration = {
  name: '0012-security-groups',
  async up(db, d) {
    await table(db, d, 'security_groups')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'varchar(4096)')
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    // One name per account: also what makes the lazily created `default` group unique.
    await index(db, 'security_groups', ['account_id', 'name'], true);
    await index(db, 'security_groups', ['domain_id']);

    await table(db, d, 'security_group_rules')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('security_group_id', 'integer', (c) => c.notNull())
      .addColumn('type', 'varchar(16)', (c) => c.notNull())
      .addColumn('protocol', 'varchar(16)', (c) => c.notNull())
      .addColumn('start_port', 'integer')
      .addColumn('end_port', 'integer')
      .addColumn('icmp_type', 'integer')
      .addColumn('icmp_code', 'integer')
      .addColumn('cidr', 'varchar(64)')
      .addColumn('allowed_security_group_id', 'integer')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'security_group_rules', ['security_group_id']);
    await index(db, 'security_group_rules', ['allowed_security_group_id']);

    await table(db, d, 'security_group_vm_map')
      .addColumn('security_group_id', 'integer', (c) => c.notNull())
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'security_group_vm_map', ['security_group_id', 'vm_id'], true);
    await index(db, 'security_group_vm_map', ['vm_id']);
  },
};
