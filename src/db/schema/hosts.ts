/**
 * Hypervisor hosts (issue #3, agent half), self-registration tokens and simulator mocks.
 * `hosts.status` / `resource_state` change only through src/orchestration/state/host-state.ts.
 */
import type { Generated } from 'kysely';

export interface HostsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  /** 'Routing' for hypervisor hosts. */
  type: string;
  zone_id: number;
  pod_id: number;
  cluster_id: number;
  status: string;
  resource_state: string;
  hypervisor_type: string;
  hypervisor_version: string | null;
  cpu_sockets: number;
  /** Cores. */
  cpus: number;
  /** MHz per core. */
  cpu_speed: number;
  /** Bytes. */
  total_memory: number;
  /** MHz reserved by VMs. */
  cpu_allocated: number;
  /** Bytes reserved by VMs. */
  memory_allocated: number;
  local_storage: number;
  arch: string;
  host_tags: string | null;
  os_category_id: number | null;
  private_ip: string | null;
  url: string | null;
  last_ping: number | null;
  mgmt_server_id: string | null;
  status_changed: number;
  disconnected: number | null;
  secret_hash: string | null;
  token_hash: string | null;
  /**
   * Bumped by every write of a column the planner reads, except the allocated CPU and memory
   * (which it reads on every placement): its host cache re-reads a row only when this moves.
   */
  update_count: number;
  created: number;
  removed: number | null;
}

export interface HostRegistrationTokensTable {
  id: Generated<number>;
  token_hash: string;
  zone_id: number;
  pod_id: number;
  cluster_id: number;
  uses_left: number | null;
  expires: number | null;
  created: number;
}

export interface SimulatorMocksTable {
  id: Generated<number>;
  name: string;
  value: string;
  zone_id: number | null;
  pod_id: number | null;
  cluster_id: number | null;
  host_id: number | null;
  count: number | null;
  json_response: string | null;
  created: number;
  removed: number | null;
}

export interface HostsTables {
  hosts: HostsTable;
  host_registration_tokens: HostRegistrationTokensTable;
  simulator_mocks: SimulatorMocksTable;
}
