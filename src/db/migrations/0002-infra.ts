import { index, table, type Migration } from './helpers.js';

export const m0002Infra: Migration = {
  name: '0002-infra',
  async up(db, d) {
    const uuid = (c: any) => c.notNull().unique();
    await table(db, d, 'zones')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'varchar(255)')
      .addColumn('dns1', 'varchar(64)')
      .addColumn('dns2', 'varchar(64)')
      .addColumn('internal_dns1', 'varchar(64)')
      .addColumn('internal_dns2', 'varchar(64)')
      .addColumn('ip6_dns1', 'varchar(64)')
      .addColumn('ip6_dns2', 'varchar(64)')
      .addColumn('guest_cidr', 'varchar(64)')
      .addColumn('network_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('network_domain', 'varchar(255)')
      .addColumn('domain_id', 'integer')
      .addColumn('allocation_state', 'varchar(16)', (c) => c.notNull())
      .addColumn('local_storage_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('security_group_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('dhcp_provider', 'varchar(64)', (c) => c.notNull())
      .addColumn('zone_token', 'varchar(64)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();

    await table(db, d, 'pods')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('gateway', 'varchar(64)')
      .addColumn('netmask', 'varchar(64)')
      .addColumn('cidr', 'varchar(64)')
      .addColumn('start_ip', 'varchar(64)')
      .addColumn('end_ip', 'varchar(64)')
      .addColumn('allocation_state', 'varchar(16)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'pods', ['zone_id']);

    await table(db, d, 'clusters')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('pod_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('hypervisor_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('cluster_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('allocation_state', 'varchar(16)', (c) => c.notNull())
      .addColumn('managed_state', 'varchar(32)', (c) => c.notNull())
      .addColumn('arch', 'varchar(16)', (c) => c.notNull())
      .addColumn('url', 'varchar(255)')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'clusters', ['pod_id']);
    await index(db, 'clusters', ['zone_id']);

    await table(db, d, 'storage_pools')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('pod_id', 'integer')
      .addColumn('cluster_id', 'integer')
      .addColumn('scope', 'varchar(16)', (c) => c.notNull())
      .addColumn('host_id', 'integer')
      .addColumn('pool_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('url', 'varchar(1024)', (c) => c.notNull())
      .addColumn('host_address', 'varchar(255)')
      .addColumn('path', 'varchar(1024)', (c) => c.notNull())
      .addColumn('provider', 'varchar(64)', (c) => c.notNull())
      .addColumn('tags', 'varchar(1024)')
      .addColumn('capacity_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('allocated_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('capacity_iops', 'bigint')
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('hypervisor', 'varchar(32)')
      .addColumn('managed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'storage_pools', ['zone_id']);
    await index(db, 'storage_pools', ['cluster_id']);

    await table(db, d, 'image_stores')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('zone_id', 'integer')
      .addColumn('url', 'varchar(1024)', (c) => c.notNull())
      .addColumn('protocol', 'varchar(16)', (c) => c.notNull())
      .addColumn('provider_name', 'varchar(64)', (c) => c.notNull())
      .addColumn('path', 'varchar(1024)')
      .addColumn('role', 'varchar(16)', (c) => c.notNull())
      .addColumn('readonly', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('capacity_bytes', 'bigint')
      .addColumn('used_bytes', 'bigint')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'image_stores', ['zone_id']);

    await table(db, d, 'physical_networks')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('domain_id', 'integer')
      .addColumn('vlan', 'varchar(1024)')
      .addColumn('broadcast_domain_range', 'varchar(16)', (c) => c.notNull())
      .addColumn('isolation_methods', 'varchar(255)')
      .addColumn('tags', 'varchar(1024)')
      .addColumn('network_speed', 'varchar(32)')
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'physical_networks', ['zone_id']);

    await table(db, d, 'physical_network_traffic_types')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('physical_network_id', 'integer', (c) => c.notNull())
      .addColumn('traffic_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('kvm_network_label', 'varchar(255)')
      .addColumn('xen_network_label', 'varchar(255)')
      .addColumn('vmware_network_label', 'varchar(255)')
      .addColumn('hyperv_network_label', 'varchar(255)')
      .addColumn('ovm3_network_label', 'varchar(255)')
      .addColumn('vlan', 'varchar(255)')
      .addColumn('isolation_method', 'varchar(32)')
      .execute();
    // MySQL identifiers stop at 64 characters, too short for the helper's generated name.
    await db.schema.createIndex('ix_pn_traffic_types_pn_type').on('physical_network_traffic_types').columns(['physical_network_id', 'traffic_type']).unique().execute();

    await table(db, d, 'physical_network_service_providers')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('physical_network_id', 'integer', (c) => c.notNull())
      .addColumn('provider_name', 'varchar(64)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('destination_physical_network_id', 'integer')
      .addColumn('services', 'varchar(1024)', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'physical_network_service_providers', ['physical_network_id']);

    await table(db, d, 'virtual_router_elements')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('nsp_id', 'integer', (c) => c.notNull())
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'virtual_router_elements', ['nsp_id']);

    await table(db, d, 'vlans')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('vlan_tag', 'varchar(255)', (c) => c.notNull())
      .addColumn('gateway', 'varchar(64)', (c) => c.notNull())
      .addColumn('netmask', 'varchar(64)', (c) => c.notNull())
      .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
      .addColumn('start_ip', 'varchar(64)', (c) => c.notNull())
      .addColumn('end_ip', 'varchar(64)', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('pod_id', 'integer')
      .addColumn('physical_network_id', 'integer')
      .addColumn('network_id', 'integer')
      .addColumn('vlan_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('account_id', 'integer')
      .addColumn('domain_id', 'integer')
      .addColumn('for_system_vms', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'vlans', ['zone_id']);

    await table(db, d, 'user_ip_addresses')
      .addColumn('uuid', 'varchar(40)', uuid)
      .addColumn('public_ip_address', 'varchar(64)', (c) => c.notNull())
      .addColumn('vlan_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('physical_network_id', 'integer')
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('account_id', 'integer')
      .addColumn('domain_id', 'integer')
      .addColumn('allocated', 'bigint')
      .addColumn('source_nat', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('network_id', 'integer')
      .addColumn('vpc_id', 'integer')
      .addColumn('vm_id', 'integer')
      .addColumn('vm_ip', 'varchar(64)')
      .addColumn('one_to_one_nat', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('for_system_vms', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('removed', 'bigint')
      .execute();
    await index(db, 'user_ip_addresses', ['public_ip_address']);
    await index(db, 'user_ip_addresses', ['vlan_id', 'state']);
    await index(db, 'user_ip_addresses', ['zone_id', 'state']);
    await index(db, 'user_ip_addresses', ['account_id']);

    await table(db, d, 'op_dc_vnet_alloc')
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('physical_network_id', 'integer', (c) => c.notNull())
      .addColumn('vnet', 'varchar(32)', (c) => c.notNull())
      .addColumn('account_id', 'integer')
      .addColumn('network_id', 'integer')
      .addColumn('taken', 'bigint')
      .execute();
    await index(db, 'op_dc_vnet_alloc', ['physical_network_id', 'vnet'], true);
    await index(db, 'op_dc_vnet_alloc', ['zone_id', 'taken']);

    await table(db, d, 'op_dc_ip_address_alloc')
      .addColumn('pod_id', 'integer', (c) => c.notNull())
      .addColumn('zone_id', 'integer', (c) => c.notNull())
      .addColumn('ip_address', 'varchar(64)', (c) => c.notNull())
      .addColumn('taken', 'bigint')
      .addColumn('instance_id', 'integer')
      .addColumn('nic_id', 'integer')
      .execute();
    // Private addresses are unique across the cloud.
    await index(db, 'op_dc_ip_address_alloc', ['ip_address'], true);
    await index(db, 'op_dc_ip_address_alloc', ['pod_id', 'taken']);
  },
};
