/**
 * Tables of the management-server core: identity, roles, sessions, events, jobs, settings.
 * Conventions: integer `id` (internal, never on the wire), `uuid` (external id),
 * times as epoch milliseconds, booleans as 0/1 integers, `removed` set on soft delete.
 */
import type { Generated } from 'kysely';

export interface DomainsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  parent_id: number | null;
  /** '/' for ROOT, '/a/' and '/a/b/' below it: the prefix answers "is X under Y" in one LIKE. */
  path: string;
  level: number;
  state: string;
  network_domain: string | null;
  created: number;
  removed: number | null;
}

export interface RolesTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  role_type: string;
  description: string | null;
  is_default: number;
  removed: number | null;
}

export interface RolePermissionsTable {
  id: Generated<number>;
  uuid: string;
  role_id: number;
  rule: string;
  permission: string;
  description: string | null;
  sort_order: number;
}

export interface AccountsTable {
  id: Generated<number>;
  uuid: string;
  account_name: string;
  type: number;
  role_id: number;
  domain_id: number;
  state: string;
  network_domain: string | null;
  default_zone_id: number | null;
  cleanup_needed: number;
  created: number;
  removed: number | null;
}

export interface UsersTable {
  id: Generated<number>;
  uuid: string;
  username: string;
  password: string;
  firstname: string;
  lastname: string;
  email: string | null;
  state: string;
  api_key: string | null;
  secret_key: string | null;
  timezone: string | null;
  account_id: number;
  source: string;
  is_default: number;
  login_attempts: number;
  created: number;
  removed: number | null;
}

export interface SessionsTable {
  id: Generated<number>;
  /** The JSESSIONID cookie value. */
  session_id: string;
  session_key: string;
  user_id: number;
  created: number;
  last_access: number;
}

export interface EventsTable {
  id: Generated<number>;
  uuid: string;
  type: string;
  state: string;
  description: string;
  level: string;
  user_id: number;
  account_id: number;
  domain_id: number;
  created: number;
  start_id: number | null;
  resource_type: string | null;
  resource_uuid: string | null;
  archived: number;
}

export interface AsyncJobsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  account_id: number;
  domain_id: number;
  /** Registered command name, e.g. `deployVirtualMachine`. */
  cmd: string;
  /** The command's parameters as JSON, sensitive ones removed. */
  cmd_info: string;
  status: number;
  process_status: number;
  result_code: number;
  result_type: string | null;
  result: string | null;
  instance_type: string | null;
  instance_uuid: string | null;
  /** Id of the start event, so Completed events point at their Scheduled parent. */
  start_event_id: number | null;
  /** Management server that runs the job (its msid) and until when it holds the lease. */
  msid: string | null;
  lease_until: number | null;
  created: number;
  updated: number;
  completed: number | null;
}

export interface ConfigurationTable {
  /** Setting name; global values only. */
  name: string;
  value: string | null;
  updated: number;
}

export interface ConfigOverridesTable {
  id: Generated<number>;
  scope: string;
  scope_id: number;
  name: string;
  value: string | null;
}

export interface ManagementServersTable {
  id: Generated<number>;
  uuid: string;
  msid: string;
  name: string;
  service_ip: string;
  version: string;
  state: string;
  last_seen: number;
  started: number;
  stopped: number | null;
  /** Where the other servers of a farm forward agent commands for this server's hosts. */
  internal_url: string | null;
  /** Key those forwarded commands are signed with (HMAC); never shown by the API. */
  internal_key: string | null;
}

/** One row per farm-wide scheduler: the server that runs it until `expires`. */
export interface SchedulerLeasesTable {
  name: string;
  holder: string;
  expires: number;
}

export interface CoreTables {
  domains: DomainsTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  events: EventsTable;
  async_jobs: AsyncJobsTable;
  configuration: ConfigurationTable;
  config_overrides: ConfigOverridesTable;
  management_servers: ManagementServersTable;
  scheduler_leases: SchedulerLeasesTable;
}
