import { index, table, type Migration } from './helpers.js';

export const m0005LimitsKeysGroups: Migration = {
  name: '0005-limits-keys-groups',
  async up(db, d) {
    await table(db, d, 'resource_limits')
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('owner_id', 'integer', (c) => c.notNull())
      .addColumn('max', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'resource_limits', ['owner_type', 'owner_id', 'type'], true);

    await table(db, d, 'resource_counts')
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('owner_id', 'integer', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await index(db, 'resource_counts', ['owner_type', 'owner_id', 'type'], true);
    // ROOT's rows first: they get the lowest ids, and ROOT's user_vm row is the lock every
    // accounting transaction takes first (LimitService.lockCounts).
    const types = ['user_vm', 'public_ip', 'volume', 'snapshot', 'template', 'project', 'network', 'vpc', 'cpu', 'memory', 'primary_storage', 'secondary_storage'];
    await db.insertInto('resource_counts').values(types.map((type) => ({ type, owner_type: 'domain', owner_id: 1, count: 0 }))).execute();

    await table(db, d, 'ssh_keypairs')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('public_key', 'varchar(5120)', (c) => c.notNull())
      .addColumn('fingerprint', 'varchar(128)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'ssh_keypairs', ['account_id', 'name'], true);

    await table(db, d, 'instance_groups')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'instance_groups', ['account_id']);

    await table(db, d, 'instance_group_vm_map')
      .addColumn('group_id', 'integer', (c) => c.notNull())
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .execute();
    await index(db, 'instance_group_vm_map', ['vm_id'], true);
    await index(db, 'instance_group_vm_map', ['group_id']);
  },
};
