/**
 * The columns of other areas' tables the VM area reads (the issue #5 table contract). Until
 * every area's schema is in `Database`, VM code reads through `vmDb()` typed with these.
 */
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema/index.js';

export interface HostsContract {
  id: Generated<number>;
  uuid: string;
  name: string;
  zone_id: number;
  pod_id: number;
  cluster_id: number;
  status: string;
  resource_state: string;
  hypervisor_type: string;
  cpus: number;
  cpu_speed: number;
  /** Bytes. */
  total_memory: number;
  /** MHz. */
  cpu_allocated: number;
  /** Bytes. */
  memory_allocated: number;
  host_tags: string | null;
  os_category_id: number | null;
  removed: number | null;
}

export interface ServiceOfferingsContract {
  id: Generated<number>; uuid: string; name: string; cpu_number: number; cpu_speed: number; ram_size: number;
  offer_ha: number; storage_type: string; tags: string | null; host_tag: string | null; state: string; removed: number | null;
}
export interface DiskOfferingsContract {
  id: Generated<number>; uuid: string; name: string; disk_size: number; customized: number; tags: string | null; state: string; removed: number | null;
}
export interface GuestOsContract { id: Generated<number>; uuid: string; category_id: number; display_name: string }
export interface TemplatesContract {
  id: Generated<number>; uuid: string; name: string; display_text: string; format: string; is_iso: number; hypervisor_type: string;
  guest_os_id: number; account_id: number; public: number; password_enabled: number; bootable: number; size: number; state: string; removed: number | null;
}
export interface TemplateStoreRefsContract {
  template_id: number; zone_id: number; download_state: string; install_path: string | null; size: number; removed: number | null;
}

export interface ContractTables {
  hosts: HostsContract;
  service_offerings: ServiceOfferingsContract;
  disk_offerings: DiskOfferingsContract;
  guest_os: GuestOsContract;
  templates: TemplatesContract;
  template_store_refs: TemplateStoreRefsContract;
}

export type VmDatabase = Omit<Database, keyof ContractTables> & ContractTables;
export type VmDb = Kysely<VmDatabase>;

/** The same connection, typed with the contract columns. */
export function vmDb(k: Kysely<Database> | Transaction<Database>): VmDb {
  return k as unknown as VmDb;
}

/** Comma-separated tag lists as CloudStack stores them. */
export function splitTags(s: string | null | undefined): string[] {
  return s ? s.split(',').map((t) => t.trim()).filter((t) => t.length > 0) : [];
}
