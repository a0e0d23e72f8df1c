/** VM console sessions (issue #11): one row per createConsoleEndpoint, CloudStack's `console_session`. */
import type { Generated } from 'kysely';

export interface ConsoleSessionsTable {
  id: Generated<number>;
  uuid: string;
  /** sha256 (hex) of the one-time token handed to the browser; the token itself is never stored. */
  token_hash: string;
  created: number;
  /** The token is refused after this time (epoch ms) unless the session was acquired before. */
  expires: number;
  /** The caller that created the endpoint (owner of the VM or an administrator above it). */
  account_id: number;
  domain_id: number;
  user_id: number;
  instance_id: number;
  host_id: number;
  /** When a viewer connected with the token (it cannot be used again after). */
  acquired: number | null;
  /** When the viewer's connection ended. */
  removed: number | null;
  /** The management server whose proxy serves (served) the viewer. */
  msid: string | null;
  client_address: string | null;
  /** The console proxy (`console_proxies`) the session was assigned to (null before migration 0023). */
  proxy_id: number | null;
}

/**
 * A console proxy (CloudStack's `console_proxy` system VM, named `v-<id>-VM`): the proxy that runs
 * inside management server `msid`, serving the VMs of zone `zone_id`.
 */
export interface ConsoleProxiesTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  msid: string;
  zone_id: number;
  /** What an administrator asked: Running (accepts viewers) or Stopped (refuses them). */
  state: 'Running' | 'Stopped';
  /** Where browsers reach this proxy: `http(s)://host[:port]`, no path. */
  public_url: string;
  /** Where agents dial back with a VM's display: the server's agent port, `ws(s)://host:port`. */
  agent_url: string;
  /** Viewer sessions the proxy last reported (load scan, and each session opening or closing). */
  active_sessions: number;
  last_load_scan: number | null;
  created: number;
  removed: number | null;
}

export interface ConsoleTables {
  console_sessions: ConsoleSessionsTable;
  console_proxies: ConsoleProxiesTable;
}
