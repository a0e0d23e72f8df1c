/** VM rows: loading with access checks, and the small helpers the VM services share. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import { QueryTemplate } from '../../db/prepared.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import type { VmInstancesTable, VolumesTable } from '../../db/schema/vms.js';
import type { Caller } from '../caller.js';
import type { Scoper } from '../identity/scope.js';

export type VmRow = Selectable<VmInstancesTable>;
export type VolumeRow = Selectable<VolumesTable>;

export const ref = (vm: VmRow) => ({ id: vm.id, state: vm.state, update_count: Number(vm.update_count) });

// Read several times per deploy (issue #5 bench): templates. Shape 'User': guest VMs only.
const VM_BY_ID = new QueryTemplate((k, $, type) => {
  const q = k.selectFrom('vm_instances').selectAll().where('id', '=', $<number>('id'));
  return type === 'User' ? q.where('type', '=', 'User') : q;
});
const VOLUMES_OF = new QueryTemplate((k, $) => k.selectFrom('volumes').selectAll().where('vm_id', '=', $<number>('vmId')).where('removed', 'is', null).orderBy('id'));

export async function loadVm(db: Db, id: number): Promise<VmRow> {
  const [vm] = await VM_BY_ID.execute(db.kysely, 'User', { id });
  if (!vm || vm.removed !== null) throw paramError('Unable to find virtual machine with specified id');
  return vm;
}

/** Any kind of VM (guest or system VM such as a router), for the starter its owner area calls. */
export async function loadAnyVm(db: Db, id: number): Promise<VmRow> {
  const [vm] = await VM_BY_ID.execute(db.kysely, '', { id });
  if (!vm || vm.removed !== null) throw paramError('Unable to find virtual machine with specified id');
  return vm;
}

/** Loads the VM and checks the caller may act on it (531 otherwise). */
export async function vmForCaller(db: Db, scoper: Scoper, caller: Caller, id: number): Promise<VmRow> {
  const vm = await loadVm(db, id);
  const path = await scoper.domainPath(vm.domain_id);
  scoper.checkAccess(caller, { accountId: vm.account_id, domainId: vm.domain_id, domainPath: path }, 'virtual machine');
  return vm;
}

/** The VM's volumes (root first); `db` may be a transaction. */
export async function volumesOf(db: Db | Kysely<Database>, vmId: number): Promise<VolumeRow[]> {
  const k = 'kysely' in db && 'dialect' in db ? (db as Db).kysely : (db as Kysely<Database>);
  return [...(await VOLUMES_OF.execute(k, '', { vmId }))];
}

export function requireState(vm: VmRow, states: string[], action: string): void {
  if (!states.includes(vm.state)) {
    throw new CloudError('InvalidState', `Unable to ${action} the VM ${vm.instance_name}: it is in state ${vm.state}`);
  }
}

/** RFC 1123 host name label rules as CloudStack applies them to VM names. */
export function validHostName(name: string): boolean {
  return /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(name) && !/^[0-9]+$/.test(name);
}

export const instanceName = (accountId: number, vmId: number) => `i-${accountId}-${vmId}-VM`;
