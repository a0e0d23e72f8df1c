import { randomUUID } from 'node:crypto';
import { index, table, type Migration } from './helpers.js';
import { DEFAULT_OFFERINGS, providerFor } from '../../services/networks/default-offerings.js';

export const m0007Networks: Migration = {
  name: '0007-networks',
  async up(db, d) {
    await table(db, d, 'network_offerings')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('display_text', 'varchar(255)', (c) => c.notNull())
      .addColumn('traffic_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('guest_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('availability', 'varchar(32)', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('specify_vlan', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('specify_ip_ranges', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('conserve_mode', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('egress_default_policy', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_persistent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('network_rate', 'integer')
      .addColumn('tags', 'varchar(255)')
      .addColumn('max_connections', 'integer')
      .addColumn('sort_key', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'network_offerings', ['name']);

    await table(db, d, 'network_offering_services')
      .addColumn('network_offering_id', 'integer', (c) => c.notNull())
      .addColumn('service', 'varchar(64)', (c) => c.notNull())
      .addColumn('provider', 'varchar(64)', (c) => c.notNull())
      .execute();
    // MySQL limits identifiers to 64 characters; the helper's name would be 65.
    await db.schema.createIndex('ix_nos_offering_service_provider').on('network_offering_services').columns(['network_offering_id', 'service', 'provider']).unique().execute();

    await table(db, d, 'networks')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('display_text', 'varchar(255)', (c) => c.notNull())
      .addColumn('network_offering_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('physical_network_id', 'integer')
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('guest_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('traffic_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('cidr', 'varchar(64)')
      .addColumn('gateway', 'varchar(64)')
      .addColumn('netmask', 'varchar(64)')
      .addColumn('vlan', 'varchar(64)')
      .addColumn('broadcast_uri', 'varchar(255)')
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('network_domain', 'varchar(255)')
      .addColumn('acl_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('start_ip', 'varchar(64)')
      .addColumn('end_ip', 'varchar(64)')
      .addColumn('restart_required', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'networks', ['account_id', 'zone_id']);
    await index(db, 'networks', ['domain_id']);

    await table(db, d, 'nics')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .addColumn('network_id', 'integer', (c) => c.notNull())
      .addColumn('ip_address', 'varchar(64)')
      .addColumn('mac_address', 'varchar(32)', (c) => c.notNull())
      .addColumn('netmask', 'varchar(64)')
      .addColumn('gateway', 'varchar(64)')
      .addColumn('device_id', 'integer', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'nics', ['vm_id']);
    await index(db, 'nics', ['network_id', 'ip_address']);

    await table(db, d, 'firewall_rules')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      .addColumn('ip_address_id', 'integer')
      .addColumn('network_id', 'integer', (c) => c.notNull())
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer', (c) => c.notNull())
      .addColumn('protocol', 'varchar(16)', (c) => c.notNull())
      .addColumn('start_port', 'integer')
      .addColumn('end_port', 'integer')
      .addColumn('icmp_type', 'integer')
      .addColumn('icmp_code', 'integer')
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('traffic_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('vm_id', 'integer')
      .addColumn('dest_port_start', 'integer')
      .addColumn('dest_port_end', 'integer')
      .addColumn('vm_ip', 'varchar(64)')
      .addColumn('algorithm', 'varchar(32)')
      .addColumn('name', 'varchar(255)')
      .addColumn('description', 'varchar(4096)')
      .addColumn('related_id', 'integer')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'firewall_rules', ['network_id', 'purpose']);
    await index(db, 'firewall_rules', ['ip_address_id']);
    await index(db, 'firewall_rules', ['account_id']);

    await table(db, d, 'firewall_rule_cidrs')
      .addColumn('rule_id', 'integer', (c) => c.notNull())
      .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
      .execute();
    await index(db, 'firewall_rule_cidrs', ['rule_id']);

    await table(db, d, 'lb_vm_map')
      .addColumn('rule_id', 'integer', (c) => c.notNull())
      .addColumn('vm_id', 'integer', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'lb_vm_map', ['rule_id', 'vm_id'], true);
    await index(db, 'lb_vm_map', ['vm_id']);

    await table(db, d, 'lb_stickiness_policies')
      .addColumn('uuid', 'varchar(40)', (c) => c.notNull().unique())
      .addColumn('rule_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'varchar(4096)')
      .addColumn('method', 'varchar(32)', (c) => c.notNull())
      .addColumn('params', 'varchar(4096)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'lb_stickiness_policies', ['rule_id']);

    const now = Date.now();
    let sort = 0;
    for (const o of DEFAULT_OFFERINGS) {
      const uuid = randomUUID();
      await db.insertInto('network_offerings').values({
        uuid, name: o.name, display_text: o.displayText, traffic_type: 'Guest', guest_type: o.guestType, availability: o.availability,
        state: 'Enabled', is_default: 1, is_system: 1, specify_vlan: o.specifyVlan ? 1 : 0, specify_ip_ranges: o.specifyIpRanges ? 1 : 0,
        conserve_mode: 1, egress_default_policy: 0, is_persistent: 0, network_rate: null, tags: null, max_connections: null, sort_key: sort++, created: now, removed: null,
      }).execute();
      const row = await db.selectFrom('network_offerings').select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow();
      await db.insertInto('network_offering_services').values(o.services.map((s) => ({ network_offering_id: row.id, service: s, provider: providerFor(s) }))).execute();
    }
  },
};
