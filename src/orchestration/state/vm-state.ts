/**
 * The guest VM state machine as one table (STYLE §6), CloudStack's VirtualMachine.State
 * transitions plus the seed's Down state: a VM lost with its host keeps its disks and can be
 * started again. `transition()` is the only writer of `vm_instances.state`.
 */
import type { Kysely, Transaction } from 'kysely';
import { CloudError } from '../../api/errors.js';
import type { Database } from '../../db/schema/index.js';
import { stateUpdate } from './state-update.js';

const UPDATE = stateUpdate('vm_instances');

export const VM_STATES = ['Starting', 'Running', 'Stopping', 'Stopped', 'Destroyed', 'Expunging', 'Migrating', 'Error', 'Down'] as const;
export type VmState = (typeof VM_STATES)[number];

export const VM_EVENTS = [
  'StartRequested', 'StopRequested', 'DestroyRequested', 'RecoveryRequested', 'ExpungeOperation',
  'MigrationRequested', 'StorageMigrationRequested', 'OperationSucceeded', 'OperationFailed', 'OperationFailedToError',
  'OperationRetry', 'AgentReportRunning', 'AgentReportStopped', 'AgentReportShutdowned', 'AgentReportMigrated', 'HostDown',
] as const;
export type VmEvent = (typeof VM_EVENTS)[number];

type Table = { readonly [S in VmState]: { readonly [E in VmEvent]?: VmState } };

/** from-state → event → to-state. A missing pair is an illegal operation. */
export const VM_TRANSITIONS: Table = {
  Stopped: {
    StartRequested: 'Starting', DestroyRequested: 'Destroyed', StopRequested: 'Stopped', AgentReportStopped: 'Stopped',
    AgentReportShutdowned: 'Stopped', OperationFailedToError: 'Error', OperationFailed: 'Stopped', ExpungeOperation: 'Expunging',
    StorageMigrationRequested: 'Migrating',
  },
  Starting: {
    OperationRetry: 'Starting', OperationSucceeded: 'Running', OperationFailed: 'Stopped', OperationFailedToError: 'Error',
    AgentReportRunning: 'Running', AgentReportStopped: 'Stopped', AgentReportShutdowned: 'Stopped', HostDown: 'Down',
  },
  Running: {
    MigrationRequested: 'Migrating', AgentReportRunning: 'Running', AgentReportStopped: 'Stopped', StopRequested: 'Stopping',
    AgentReportShutdowned: 'Stopped', AgentReportMigrated: 'Running', OperationSucceeded: 'Running', HostDown: 'Down',
  },
  Stopping: {
    OperationSucceeded: 'Stopped', OperationFailed: 'Running', AgentReportRunning: 'Running', AgentReportStopped: 'Stopped',
    StopRequested: 'Stopping', AgentReportShutdowned: 'Stopped', HostDown: 'Down',
  },
  Migrating: {
    MigrationRequested: 'Migrating', OperationSucceeded: 'Running', OperationFailed: 'Running', AgentReportRunning: 'Running',
    AgentReportStopped: 'Stopped', AgentReportShutdowned: 'Stopped', HostDown: 'Down',
  },
  Destroyed: { RecoveryRequested: 'Stopped', ExpungeOperation: 'Expunging' },
  Expunging: { OperationFailed: 'Expunging', ExpungeOperation: 'Expunging' },
  Error: { DestroyRequested: 'Expunging', ExpungeOperation: 'Expunging' },
  // The seed's Down: host lost, disks kept; the VM can be started, destroyed or found running again.
  Down: {
    StartRequested: 'Starting', DestroyRequested: 'Destroyed', ExpungeOperation: 'Expunging', AgentReportRunning: 'Running',
    AgentReportStopped: 'Down', HostDown: 'Down', StopRequested: 'Stopped',
  },
};

/** Next state, or undefined when the pair is illegal. */
export function nextState(from: string, event: VmEvent): VmState | undefined {
  return (VM_TRANSITIONS as Record<string, Table[VmState] | undefined>)[from]?.[event];
}

/** What a caller did, in words, for the illegal-operation error. */
const ACTIONS: Partial<Record<VmEvent, string>> = {
  StartRequested: 'start', StopRequested: 'stop', DestroyRequested: 'destroy', RecoveryRequested: 'recover',
  ExpungeOperation: 'expunge', MigrationRequested: 'migrate', StorageMigrationRequested: 'migrate',
};

export function illegal(from: string, event: VmEvent): CloudError {
  const what = ACTIONS[event];
  return new CloudError('InvalidState', what
    ? `Unable to ${what} the VM: it is in state ${from}`
    : `VM state transition ${from} -> ${event} is not allowed`);
}

/** The columns a transition reads: the row's identity, its state and its version. */
export interface VmStateRef {
  id: number;
  state: string;
  update_count: number;
}

/** Columns a transition may change together with the state (host, pod, cluster placement). */
export interface VmTransitionChanges {
  host_id?: number | null;
  last_host_id?: number | null;
  pod_id?: number | null;
  cluster_id?: number | null;
  removed?: number | null;
}

/**
 * Moves the VM along `event`, with an optimistic lock on (state, update_count): a concurrent
 * transition makes this one fail with InvalidState and change nothing. Returns the new ref.
 */
export async function transition(
  trx: Transaction<Database> | Kysely<Database>,
  vm: VmStateRef,
  event: VmEvent,
  changes: VmTransitionChanges = {},
  now = Date.now(),
): Promise<VmStateRef & { from: string }> {
  const to = nextState(vm.state, event);
  if (!to) throw illegal(vm.state, event);
  if (!(await UPDATE(trx, vm, to, changes, now))) {
    throw new CloudError('InvalidState', `The VM changed state concurrently (was ${vm.state}); try again`);
  }
  return { id: vm.id, state: to, update_count: vm.update_count + 1, from: vm.state };
}
