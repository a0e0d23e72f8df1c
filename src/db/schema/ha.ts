/** Administrator alerts (issue #9): one row per distinct condition, re-sent at most every `alert.wait`. */
import type { Generated } from 'kysely';

export interface AlertsTable {
  id: Generated<number>;
  uuid: string;
  /** CloudStack's AlertType number (0 memory, 1 CPU, … 7 host, 30 HA action). */
  type: number;
  /** CloudStack's AlertType name (`ALERT.COMPUTE.HOST`). */
  name: string;
  /** The condition this row stands for (`7:host:12`): a repeat updates the row instead of adding one. */
  condition_key: string;
  subject: string;
  body: string | null;
  zone_id: number | null;
  pod_id: number | null;
  cluster_id: number | null;
  /** Times the alert was raised (and e-mailed when SMTP is set up). */
  sent_count: number;
  last_sent: number;
  /** 'none' (no SMTP configured), 'pending', 'sent' or 'failed'. */
  email_state: string;
  archived: number;
  created: number;
}

/** A host that reported a primary pool unreachable (deleted when it reports it reachable again). */
export interface StoragePoolHostOutagesTable {
  id: Generated<number>;
  pool_id: number;
  host_id: number;
  since: number;
  reason: string | null;
}

/** A VM an agent reported stopped while its pool was Down: HA restarts it when the pool is back. */
export interface StorageOutageVmsTable {
  id: Generated<number>;
  pool_id: number;
  vm_id: number;
  created: number;
}

export interface HaTables {
  alerts: AlertsTable;
  storage_pool_host_outages: StoragePoolHostOutagesTable;
  storage_outage_vms: StorageOutageVmsTable;
}
