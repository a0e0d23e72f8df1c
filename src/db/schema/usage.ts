/**
 * Usage (issue #10). `usage_intervals` is the projection of the event log the usage job reads:
 * one row per (usage type, resource) while the resource is billable, written in the same
 * transaction as the event that opened or closed it. `usage_records` are the aggregated
 * records per period (listUsageRecords); `usage_periods` claims each period exactly once
 * across management servers (unique `start_ms`).
 */
import type { Generated } from 'kysely';

export interface UsageIntervalsTable {
  id: Generated<number>;
  account_id: number;
  domain_id: number;
  zone_uuid: string | null;
  /** CloudStack usage type id (USAGE_TYPES). */
  usage_type: number;
  /** UUID of the billed resource (VM, IP, volume, rule, NIC…): the record's `usageid`. */
  usage_id: string;
  vm_uuid: string | null;
  name: string | null;
  offering_uuid: string | null;
  template_uuid: string | null;
  /** Bytes (volumes, templates, snapshots); null where size is not part of the usage. */
  size: number | null;
  /** JSON of type-specific wire fields (issourcenat, networkid, isdefault, cpunumber…). */
  extra: string | null;
  start_ms: number;
  /** Null while open. */
  end_ms: number | null;
}

export interface UsageRecordsTable {
  id: Generated<number>;
  period_id: number;
  account_id: number;
  domain_id: number;
  zone_uuid: string | null;
  usage_type: number;
  usage_id: string;
  vm_uuid: string | null;
  name: string | null;
  offering_uuid: string | null;
  template_uuid: string | null;
  size: number | null;
  extra: string | null;
  /** Milliseconds for time-based types, bytes for network types: exact integers. */
  raw: number;
  description: string;
  start_ms: number;
  end_ms: number;
}

export interface UsagePeriodsTable {
  id: Generated<number>;
  /** Unique: the claim that makes each period run exactly once in a farm. */
  start_ms: number;
  end_ms: number;
  msid: string;
  started: number;
  finished: number | null;
  records: number;
}

/** Last cumulative byte counters seen per router/network, to turn counters into deltas. */
export interface UsageNetworkCountersTable {
  id: Generated<number>;
  counter_key: string;
  sent: number;
  received: number;
  updated: number;
}

export interface UsageNetworkBytesTable {
  id: Generated<number>;
  account_id: number;
  domain_id: number;
  zone_uuid: string | null;
  network_uuid: string;
  at_ms: number;
  sent: number;
  received: number;
}

/** Quota plugin tariffs: `value` per unit (hour, or GB for network bytes) of `usage_type`. */
export interface QuotaTariffsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  description: string | null;
  usage_type: number;
  value: number;
  position: number;
  effective_ms: number;
  end_ms: number | null;
  created: number;
  removed: number | null;
}

/** Quota credits: `credit` (negative withdraws) added to an account's balance at `created`. */
export interface QuotaCreditsTable {
  id: Generated<number>;
  uuid: string;
  account_id: number;
  domain_id: number;
  credit: number;
  creditor_user_id: number;
  created: number;
}

export interface UsageTables {
  quota_credits: QuotaCreditsTable;
  quota_tariffs: QuotaTariffsTable;
  usage_intervals: UsageIntervalsTable;
  usage_records: UsageRecordsTable;
  usage_periods: UsagePeriodsTable;
  usage_network_counters: UsageNetworkCountersTable;
  usage_network_bytes: UsageNetworkBytesTable;
}
