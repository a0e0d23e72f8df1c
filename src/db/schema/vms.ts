/**
 * Guest VMs and their volumes (issue #5). Conventions as in core.ts (integer id, uuid,
 * epoch-ms times, 0/1 booleans, `removed` for soft delete). `vm_instances.state` is written
 * only by `transition()` in src/orchestration/state/vm-state.ts.
 */
import type { Generated } from 'kysely';

export interface VmInstancesTable {
  id: Generated<number>;
  uuid: string;
  /** Host name (RFC 1123). */
  name: string;
  /** Hypervisor name `i-<accountId>-<vmId>-VM`. */
  instance_name: string;
  display_name: string | null;
  /** 'User' | 'DomainRouter' | 'ConsoleProxy' | 'SecondaryStorageVm' | … */
  type: string;
  state: string;
  account_id: number;
  domain_id: number;
  zone_id: number;
  pod_id: number | null;
  cluster_id: number | null;
  host_id: number | null;
  last_host_id: number | null;
  service_offering_id: number;
  template_id: number | null;
  iso_id: number | null;
  guest_os_id: number;
  ha_enabled: number;
  /** Base64 user data as the caller sent it; never logged. */
  user_data: string | null;
  ssh_keypair_id: number | null;
  password: string | null;
  /** Bumped by every transition: the optimistic lock and the reconciler's staleness check. */
  update_count: number;
  state_changed: number;
  created: number;
  removed: number | null;
}

export interface VolumesTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  /** 'ROOT' | 'DATADISK' */
  volume_type: string;
  /** 'Allocated' | 'Creating' | 'Ready' | 'Destroy' | 'Expunged' | … */
  state: string;
  account_id: number;
  domain_id: number;
  zone_id: number;
  pool_id: number | null;
  vm_id: number | null;
  device_id: number | null;
  disk_offering_id: number | null;
  template_id: number | null;
  /** Bytes. */
  size: number;
  path: string | null;
  created: number;
  removed: number | null;
  /** Bumped by every state transition (optimistic concurrency, like vm_instances). */
  update_count: Generated<number>;
  /** When it was last attached to its VM (epoch ms), null while detached. */
  attached: number | null;
  state_changed: number | null;
  /** The pool a migration moved it off. */
  last_pool_id: number | null;
}

/** extractVolume download links: a copy on the zone's secondary storage behind a token. */
export interface VolumeExtractsTable {
  id: Generated<number>;
  uuid: string;
  volume_id: number;
  zone_id: number;
  token: string;
  install_path: string;
  expires: number;
  created: number;
}

/** VMs that storage pool maintenance stopped and its cancellation starts again. */
export interface StoragePoolWorkTable {
  id: Generated<number>;
  pool_id: number;
  vm_id: number;
  stopped_for_maintenance: Generated<number>;
  started_after_maintenance: Generated<number>;
  created: number;
}

export interface VmTables {
  vm_instances: VmInstancesTable;
  volumes: VolumesTable;
  volume_extracts: VolumeExtractsTable;
  storage_pool_work: StoragePoolWorkTable;
}
