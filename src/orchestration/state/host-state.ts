/**
 * Host status (CloudStack's Status) and resource state (ResourceState) as tables (STYLE §6).
 * `hostTransition()` is the only writer of `hosts.status`; resource-state changes go through
 * `nextResourceState`. Down is reached only by the HA investigator (issue #9).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { CloudError } from '../../api/errors.js';
import type { Database } from '../../db/schema/index.js';

export const HOST_STATUSES = ['Creating', 'Connecting', 'Up', 'Disconnected', 'Alert', 'Down', 'Removed', 'Error'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

export const HOST_EVENTS = [
  'AgentConnected', 'Ready', 'Ping', 'AgentDisconnected', 'PingTimeout', 'ShutdownRequested', 'HostDown', 'ManagementServerDown',
  'Remove', 'OperationFailed', 'Reconnect',
] as const;
export type HostEvent = (typeof HOST_EVENTS)[number];

type StatusTable = { readonly [S in HostStatus]: { readonly [E in HostEvent]?: HostStatus } };

/** from → event → to; a missing pair is illegal. */
export const HOST_TRANSITIONS: StatusTable = {
  Creating: { AgentConnected: 'Connecting', OperationFailed: 'Error', Remove: 'Removed', Reconnect: 'Connecting' },
  Connecting: {
    AgentConnected: 'Connecting', Ready: 'Up', AgentDisconnected: 'Disconnected', PingTimeout: 'Disconnected', OperationFailed: 'Alert',
    Remove: 'Removed', Reconnect: 'Connecting', ManagementServerDown: 'Disconnected',
  },
  Up: {
    Ping: 'Up', AgentConnected: 'Connecting', AgentDisconnected: 'Disconnected', PingTimeout: 'Disconnected', ShutdownRequested: 'Disconnected',
    HostDown: 'Down', ManagementServerDown: 'Disconnected', Reconnect: 'Connecting', Remove: 'Removed',
  },
  Disconnected: {
    AgentConnected: 'Connecting', PingTimeout: 'Alert', AgentDisconnected: 'Disconnected', HostDown: 'Down', Remove: 'Removed',
    Reconnect: 'Connecting', ManagementServerDown: 'Disconnected',
  },
  Alert: { AgentConnected: 'Connecting', PingTimeout: 'Alert', AgentDisconnected: 'Alert', HostDown: 'Down', Remove: 'Removed', Reconnect: 'Connecting' },
  Down: { AgentConnected: 'Connecting', Remove: 'Removed', PingTimeout: 'Down', AgentDisconnected: 'Down', Reconnect: 'Connecting' },
  Error: { AgentConnected: 'Connecting', Remove: 'Removed', Reconnect: 'Connecting' },
  Removed: {},
};

export function nextHostStatus(from: string, e: HostEvent): HostStatus | undefined {
  return (HOST_TRANSITIONS as Record<string, StatusTable[HostStatus] | undefined>)[from]?.[e];
}

export const RESOURCE_STATES = ['Creating', 'Enabled', 'Disabled', 'PrepareForMaintenance', 'ErrorInPrepareForMaintenance', 'ErrorInMaintenance', 'Maintenance', 'Error'] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];
export const RESOURCE_EVENTS = ['Create', 'Enable', 'Disable', 'AdminAskMaintenance', 'InternalEnterMaintenance', 'UnableToMigrate', 'ErrorsCorrected', 'AdminCancelMaintenance', 'InternalCreated', 'Error'] as const;
export type ResourceEvent = (typeof RESOURCE_EVENTS)[number];

type ResourceTable = { readonly [S in ResourceState]: { readonly [E in ResourceEvent]?: ResourceState } };

/** CloudStack's ResourceState.Event table. */
export const RESOURCE_TRANSITIONS: ResourceTable = {
  Creating: { Create: 'Creating', InternalCreated: 'Enabled', Error: 'Error' },
  Enabled: { Enable: 'Enabled', Disable: 'Disabled', AdminAskMaintenance: 'PrepareForMaintenance', InternalEnterMaintenance: 'Maintenance' },
  Disabled: { Enable: 'Enabled', Disable: 'Disabled', AdminAskMaintenance: 'PrepareForMaintenance', InternalEnterMaintenance: 'Maintenance' },
  PrepareForMaintenance: { InternalEnterMaintenance: 'Maintenance', AdminCancelMaintenance: 'Enabled', UnableToMigrate: 'ErrorInPrepareForMaintenance', Error: 'ErrorInMaintenance' },
  // Asking again from an error state retries the migrations.
  ErrorInPrepareForMaintenance: { InternalEnterMaintenance: 'Maintenance', AdminCancelMaintenance: 'Enabled', ErrorsCorrected: 'PrepareForMaintenance', AdminAskMaintenance: 'PrepareForMaintenance' },
  ErrorInMaintenance: { InternalEnterMaintenance: 'Maintenance', AdminCancelMaintenance: 'Enabled', ErrorsCorrected: 'Maintenance', AdminAskMaintenance: 'PrepareForMaintenance' },
  Maintenance: { AdminCancelMaintenance: 'Enabled', InternalEnterMaintenance: 'Maintenance' },
  Error: { InternalCreated: 'Enabled', Disable: 'Disabled' },
};

export function nextResourceState(from: string, e: ResourceEvent): ResourceState | undefined {
  return (RESOURCE_TRANSITIONS as Record<string, ResourceTable[ResourceState] | undefined>)[from]?.[e];
}

/**
 * Moves a host's status by one event if it is still `from` (compare-and-set). Returns the
 * new status, or undefined when the row moved meanwhile or the pair is illegal (a no-op,
 * never a throw: agents race with checkers).
 */
export async function hostTransition(
  db: Kysely<Database> | Transaction<Database>, host: { id: number; status: string }, e: HostEvent,
  also: { last_ping?: number; mgmt_server_id?: string | null } = {},
): Promise<HostStatus | undefined> {
  const to = nextHostStatus(host.status, e);
  if (!to) return undefined;
  const now = Date.now();
  const r = await db.updateTable('hosts')
    .set({
      status: to, ...also, update_count: sql`update_count + 1`,
      ...(to !== host.status ? { status_changed: now } : {}),
      ...(to === 'Disconnected' && host.status !== 'Disconnected' ? { disconnected: now } : {}),
    })
    .where('id', '=', host.id).where('status', '=', host.status).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? to : undefined;
}

/**
 * Moves a host's resource state by one event if it is still `from` (compare-and-set).
 * Returns the new state, or undefined when the pair is illegal or the row moved meanwhile.
 */
export async function resourceTransition(
  db: Kysely<Database> | Transaction<Database>, host: { id: number; resource_state: string }, e: ResourceEvent,
): Promise<ResourceState | undefined> {
  const to = nextResourceState(host.resource_state, e);
  if (!to) return undefined;
  const r = await db.updateTable('hosts').set({ resource_state: to, update_count: sql`update_count + 1` })
    .where('id', '=', host.id).where('resource_state', '=', host.resource_state).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? to : undefined;
}

export function illegalHostOp(what: string, status: string): CloudError {
  return new CloudError('InvalidState', `Unable to ${what}: the host is in state ${status}`);
}
