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
}

export interface ConsoleTables {
  console_sessions: ConsoleSessionsTable;
}
