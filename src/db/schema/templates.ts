/**
 * Service and disk offerings, guest OS types, templates/ISOs and their copies on secondary
 * storage (issue #4). Templates and ISOs share `templates` as in CloudStack (`is_iso`).
 */
import type { Generated } from 'kysely';

export interface ServiceOfferingsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  display_text: string;
  cpu_number: number;
  /** MHz */
  cpu_speed: number;
  /** MiB */
  ram_size: number;
  offer_ha: number;
  storage_type: 'shared' | 'local';
  /** Root-disk storage tags (comma separated). */
  tags: string | null;
  host_tag: string | null;
  /** Mbit/s; null = the global default. */
  network_rate: number | null;
  limit_cpu_use: number;
  /** null = public (every domain). */
  domain_id: number | null;
  is_system: number;
  vm_type: 'domainrouter' | 'consoleproxy' | 'secondarystoragevm' | null;
  /** Inactive: deleted while VMs still use it; hidden from users and new deployments. */
  state: 'Active' | 'Inactive';
  sort_key: number;
  /** 1 for the offerings seeded at install (`defaultuse`). */
  default_use: number;
  created: number;
  removed: number | null;
}

export interface DiskOfferingsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  display_text: string;
  /** Bytes; 0 when customized. */
  disk_size: number;
  customized: number;
  tags: string | null;
  storage_type: 'shared' | 'local';
  domain_id: number | null;
  state: 'Active' | 'Inactive';
  sort_key: number;
  created: number;
  removed: number | null;
}

export interface GuestOsCategoriesTable {
  id: Generated<number>;
  uuid: string;
  name: string;
}

export interface GuestOsTable {
  id: Generated<number>;
  uuid: string;
  category_id: number;
  display_name: string;
}

export type TemplateFormat = 'QCOW2' | 'RAW' | 'VHD' | 'OVA' | 'ISO';

export interface TemplatesTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  display_text: string;
  format: TemplateFormat;
  is_iso: number;
  hypervisor_type: string;
  guest_os_id: number;
  account_id: number;
  domain_id: number;
  public: number;
  featured: number;
  extractable: number;
  password_enabled: number;
  bootable: number;
  template_type: 'USER' | 'BUILTIN' | 'SYSTEM';
  url: string | null;
  /** As registered: `{MD5}hex`, `{SHA-256}hex` or bare hex. */
  checksum: string | null;
  /** Virtual size in bytes (0 until known). */
  size: number;
  state: 'Active' | 'Inactive';
  cross_zones: number;
  created: number;
  removed: number | null;
}

export type DownloadState = 'NOT_DOWNLOADED' | 'DOWNLOAD_IN_PROGRESS' | 'DOWNLOADED' | 'DOWNLOAD_ERROR' | 'ABANDONED';

export interface TemplateStoreRefsTable {
  id: Generated<number>;
  template_id: number;
  image_store_id: number;
  zone_id: number;
  download_state: DownloadState;
  download_pct: number;
  error_str: string | null;
  /** Absolute path of the ready file. */
  install_path: string | null;
  size: number;
  physical_size: number;
  /** For copies: the ref whose file is copied instead of the URL. */
  source_ref_id: number | null;
  created: number;
  removed: number | null;
}

export interface LaunchPermissionsTable {
  id: Generated<number>;
  template_id: number;
  account_id: number;
}

/** Expiring links created by extractTemplate/extractIso. */
export interface TemplateExtractsTable {
  id: Generated<number>;
  uuid: string;
  template_id: number;
  ref_id: number;
  token: string;
  expires: number;
  created: number;
}

export interface TemplatesTables {
  service_offerings: ServiceOfferingsTable;
  disk_offerings: DiskOfferingsTable;
  guest_os_categories: GuestOsCategoriesTable;
  guest_os: GuestOsTable;
  templates: TemplatesTable;
  template_store_refs: TemplateStoreRefsTable;
  launch_permissions: LaunchPermissionsTable;
  template_extracts: TemplateExtractsTable;
}
