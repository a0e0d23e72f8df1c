/**
 * The VM area's facade: deploy/start through VmStarter, the other lifecycle operations
 * through VmOps, edits (update, offering change, password, ISO, SSH key, migration) here.
 */
import { randomBytes } from 'node:crypto';
import { CloudError, paramError } from '../../api/errors.js';
import { cpuNeed, memNeed } from '../../allocation/capacity.js';
import { releaseHost, reserveHost } from '../../allocation/reserve.js';
import type { Db } from '../../db/dialect.js';
import { transition } from '../../orchestration/state/vm-state.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';
import { agentSend, agentsOf } from './agent-port.js';
import { vmDb } from './contract.js';
import { createVm, type DeployInput, type WithinDeploy } from './vm-create.js';
import { VmOps } from './vm-ops.js';
import { loadVm, ref, requireState, validHostName, vmForCaller, type VmRow } from './vm-rows.js';
import { VmStarter } from './vm-start.js';
import { factorOverrides } from '../../allocation/snapshot.js';

export interface VmUpdate {
  name?: string | undefined;
  displayname?: string | undefined;
  group?: string | undefined;
  haenable?: boolean | undefined;
  ostypeid?: number | undefined;
  userdata?: string | undefined;
}

/**
 * How long the server waits for each step of a live migration: longer than a QEMU host's own
 * limit (10 min), so a large guest still moving is never
 * declared failed here while its memory goes on (the host cancels and answers first).
 */
const MIGRATION_TIMEOUT_MS = 15 * 60_000;

export class VmService {
  readonly starter: VmStarter;
  readonly ops: VmOps;

  constructor(readonly db: Db, private readonly services: Services) {
    this.starter = new VmStarter(db, services);
    this.ops = new VmOps(db, services);
  }

  access(caller: Caller, id: number): Promise<VmRow> {
    return vmForCaller(this.db, this.services.scoper, caller, id);
  }

  /** `within` runs last in the transaction that writes the VM (the deploy's job row). */
  create(caller: Caller, p: DeployInput, within?: WithinDeploy) {
    return createVm(this.db, this.services, caller, p, within);
  }

  async start(caller: Caller, id: number, opts: { deploy?: boolean; hostId?: number; clusterId?: number; podId?: number } = {}): Promise<VmRow> {
    const vm = await loadVm(this.db, id);
    if (vm.state === 'Running') return vm;
    requireState(vm, ['Stopped', 'Down'], 'start');
    const target: { hostId?: number; clusterId?: number; podId?: number } = {};
    if (opts.hostId !== undefined) target.hostId = opts.hostId;
    if (opts.clusterId !== undefined) target.clusterId = opts.clusterId;
    if (opts.podId !== undefined) target.podId = opts.podId;
    // A VM with an address from a pod's direct range runs in that pod only.
    const pinned = await this.services.directNetworks.pinnedPod(id);
    if (pinned !== undefined) target.podId = pinned;
    return this.starter.start(caller, id, { deploy: opts.deploy ?? false, target });
  }

  async update(caller: Caller, id: number, u: VmUpdate): Promise<VmRow> {
    const vm = await loadVm(this.db, id);
    if (u.name !== undefined && !validHostName(u.name)) throw paramError('Invalid name. Vm name can contain ASCII letters \'a\' through \'z\', the digits \'0\' through \'9\', and the hyphen (\'-\')');
    if (u.name !== undefined && u.name !== vm.name) requireState(vm, ['Stopped'], 'rename');
    if (u.userdata !== undefined && (!/^[A-Za-z0-9+/]*={0,2}$/.test(u.userdata) || u.userdata.length % 4 !== 0)) throw paramError('User data is not base64 encoded');
    await this.db.kysely.transaction().execute(async (trx) => {
      const set: Record<string, unknown> = {};
      if (u.name !== undefined) set['name'] = u.name;
      if (u.displayname !== undefined) set['display_name'] = u.displayname;
      if (u.ostypeid !== undefined) set['guest_os_id'] = u.ostypeid;
      if (u.userdata !== undefined) set['user_data'] = u.userdata;
      if (u.haenable !== undefined) set['ha_enabled'] = u.haenable ? 1 : 0;
      if (Object.keys(set).length) await trx.updateTable('vm_instances').set(set).where('id', '=', id).execute();
      if (u.group !== undefined) await this.services.instanceGroups.assign(trx, id, u.group, vm.account_id);
      const rec = (type: string, description: string) => this.services.events.record({ type, description, userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid }, trx);
      if (u.haenable !== undefined && (u.haenable ? 1 : 0) !== vm.ha_enabled) await rec(u.haenable ? 'VM.ENABLEHA' : 'VM.DISABLEHA', `${u.haenable ? 'Enabling' : 'Disabling'} HA of VM ${vm.instance_name}`);
      await rec('VM.UPDATE', `Updating VM ${vm.instance_name}`);
    });
    return loadVm(this.db, id);
  }

  /** Stopped VMs only; limits follow the new offering's CPU and memory. */
  async changeOffering(caller: Caller, id: number, offeringId: number): Promise<VmRow> {
    const vm = await loadVm(this.db, id);
    requireState(vm, ['Stopped'], 'upgrade');
    const k = vmDb(this.db.kysely);
    const [from, to] = await Promise.all([vm.service_offering_id, offeringId].map((o) => k.selectFrom('service_offerings').selectAll().where('id', '=', o).executeTakeFirst()));
    if (!to || to.removed !== null || to.state !== 'Active') throw paramError('Unable to find service offering');
    if (to.id === vm.service_offering_id) throw new CloudError('InvalidState', 'Not upgrading vm because it already has the requested service offering');
    await this.db.kysely.transaction().execute(async (trx) => {
      await this.services.limits.reserveAll(trx, vm.account_id, { cpu: Number(to.cpu_number) - Number(from!.cpu_number), memory: Number(to.ram_size) - Number(from!.ram_size) });
      const r = await trx.updateTable('vm_instances').set({ service_offering_id: to.id, ha_enabled: to.offer_ha ? 1 : 0 })
        .where('id', '=', id).where('state', '=', 'Stopped').where('update_count', '=', vm.update_count).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new CloudError('InvalidState', 'The VM changed state concurrently; try again');
      await this.services.events.record({ type: 'VM.UPGRADE', description: `Upgrading VM ${vm.instance_name} to ${to.name}`, userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid }, trx);
    });
    return loadVm(this.db, id);
  }

  /** A new password for a password-enabled template; handed to the VM by the router later. */
  async resetPassword(caller: Caller, id: number): Promise<{ vm: VmRow; password: string }> {
    const vm = await loadVm(this.db, id);
    requireState(vm, ['Stopped', 'Running'], 'reset the password of');
    const tpl = vm.template_id === null ? undefined : await vmDb(this.db.kysely).selectFrom('templates').select('password_enabled').where('id', '=', vm.template_id).executeTakeFirst();
    if (!tpl?.password_enabled) throw new CloudError('InvalidState', 'Fail to reset password for the virtual machine, the template is not password enabled');
    const password = randomBytes(9).toString('base64url').slice(0, 12);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('vm_instances').set({ password }).where('id', '=', id).execute();
      await this.services.events.record({ type: 'VM.RESETPASSWORD', description: `Resetting the password of VM ${vm.instance_name}`, userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid }, trx);
    });
    return { vm: await loadVm(this.db, id), password };
  }

  async resetSshKey(caller: Caller, id: number, keypair: string): Promise<VmRow> {
    const vm = await loadVm(this.db, id);
    requireState(vm, ['Stopped'], 'reset the SSH key of');
    const key = await this.services.sshKeys.getByName(vm.account_id, keypair);
    if (!key) throw paramError(`A key pair with name '${keypair}' does not exist for account`);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('vm_instances').set({ ssh_keypair_id: key.id }).where('id', '=', id).execute();
      await this.services.events.record({ type: 'VM.RESETSSHKEY', description: `Resetting the SSH key of VM ${vm.instance_name}`, userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid }, trx);
    });
    return loadVm(this.db, id);
  }

  async attachIso(caller: Caller, id: number, isoId: number | null): Promise<VmRow> {
    const vm = await loadVm(this.db, id);
    requireState(vm, ['Stopped', 'Running'], isoId === null ? 'detach an ISO from' : 'attach an ISO to');
    if (isoId !== null) {
      const iso = await vmDb(this.db.kysely).selectFrom('templates').select(['is_iso', 'public', 'account_id']).where('id', '=', isoId).where('removed', 'is', null).executeTakeFirst();
      if (!iso?.is_iso) throw paramError('Unable to find an ISO with the specified id');
      if (vm.iso_id !== null) throw new CloudError('InvalidState', 'An ISO is already attached to the VM; detach it first');
    } else if (vm.iso_id === null) throw new CloudError('InvalidState', 'No ISO is attached to the VM');
    if (vm.state === 'Running') {
      if (isoId === null) await agentSend(this.services, vm.host_id!, { type: 'DetachIso', instanceName: vm.instance_name });
      else {
        // The hypervisor mounts the ISO from the zone's secondary storage, as a start does (vm-start.ts).
        const copy = await this.db.kysely.selectFrom('template_store_refs').select('install_path').where('template_id', '=', isoId).where('zone_id', '=', vm.zone_id).where('download_state', '=', 'DOWNLOADED').where('removed', 'is', null).executeTakeFirst();
        if (!copy?.install_path) throw new CloudError('InvalidState', 'The ISO is not ready in the zone of the VM: wait for its download to finish');
        await agentSend(this.services, vm.host_id!, { type: 'AttachIso', instanceName: vm.instance_name, isoPath: copy.install_path });
      }
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('vm_instances').set({ iso_id: isoId }).where('id', '=', id).execute();
      await this.services.events.record({ type: isoId === null ? 'ISO.DETACH' : 'ISO.ATTACH', description: `${isoId === null ? 'Detaching an ISO from' : 'Attaching an ISO to'} VM ${vm.instance_name}`, userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid }, trx);
    });
    return loadVm(this.db, id);
  }

  /** Live migration to a host of the same cluster (or one reaching a zone-wide pool). */
  async migrate(caller: Caller, id: number, hostId: number, onProgress?: (percent: number) => void): Promise<VmRow> {
    let vm = await loadVm(this.db, id);
    requireState(vm, ['Running'], 'migrate');
    if (vm.host_id === hostId) throw new CloudError('InvalidState', 'The VM is already running on the specified host');
    // The live path's first step (the destination needs the guest's spec, a read on the source)
    // runs while the checks and the reservation below do; undefined when it could not be
    // asked: the migration asks again. A refused migration just drops the answer.
    const spec = agentsOf(this.services)?.send(vm.host_id!, { type: 'GetVmSpec', instanceName: vm.instance_name })
      .then((a) => { const r = a as Record<string, unknown>; return r['result'] === true ? (r['vm'] ?? null) : undefined; }, () => undefined);
    const k = vmDb(this.db.kysely);
    const dest = await k.selectFrom('hosts').selectAll().where('id', '=', hostId).where('removed', 'is', null).executeTakeFirst();
    if (!dest || dest.status !== 'Up' || dest.resource_state !== 'Enabled') throw new CloudError('InvalidState', 'The destination host is not Up and Enabled');
    // A direct pod address does not move: the VM stays in its pod (CloudStack's pod-based guest networks).
    const pinned = await this.services.directNetworks.pinnedPod(id);
    if (pinned !== undefined && dest.pod_id !== pinned) throw new CloudError('InvalidState', 'Cannot migrate the VM to a host of another pod: its IP address belongs to its pod');
    if (dest.cluster_id !== vm.cluster_id) {
      const pools = await this.db.kysely.selectFrom('volumes').innerJoin('storage_pools as p', 'p.id', 'volumes.pool_id').select('p.scope').where('volumes.vm_id', '=', vm.id).where('volumes.removed', 'is', null).execute();
      if (pools.some((p) => p.scope !== 'ZONE')) throw new CloudError('InvalidState', 'Cannot migrate the VM to a host of another cluster: its disks are on cluster storage (migrate with storage)');
    }
    const so = await k.selectFrom('service_offerings').select(['cpu_number', 'cpu_speed', 'ram_size']).where('id', '=', vm.service_offering_id).executeTakeFirstOrThrow();
    const cpu = cpuNeed({ cpuNumber: Number(so.cpu_number), cpuSpeed: Number(so.cpu_speed) });
    const mem = memNeed({ ramMiB: Number(so.ram_size) });
    const global = await this.starter.factors();
    const o = await factorOverrides(this.db.kysely, { clusterId: dest.cluster_id });
    const f = { cpu: o.cpuByCluster.get(dest.cluster_id) ?? global.cpu, mem: o.memByCluster.get(dest.cluster_id) ?? global.mem };
    const source = vm.host_id!;
    await this.db.kysely.transaction().execute(async (trx) => {
      if (!(await reserveHost(trx, hostId, cpu, mem, f))) throw new CloudError('InsufficientCapacity', 'The destination host has not enough capacity for the VM', { scope: `Host ${hostId}` });
      const r = await transition(trx, ref(vm), 'MigrationRequested');
      vm = { ...vm, ...r };
    });
    try {
      const known = await spec;
      await agentSend(this.services, source, { type: 'MigrateVm', instanceName: vm.instance_name, destinationHostId: hostId, ...(known !== undefined ? { spec: known } : {}) },
        { timeoutMs: MIGRATION_TIMEOUT_MS, ...(onProgress ? { onProgress } : {}) });
    } catch (e) {
      await this.db.kysely.transaction().execute(async (trx) => {
        await releaseHost(trx, hostId, cpu, mem);
        await transition(trx, ref(vm), 'OperationFailed');
      });
      throw e;
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      await releaseHost(trx, source, cpu, mem);
      await transition(trx, ref(vm), 'OperationSucceeded', { host_id: hostId, last_host_id: source, pod_id: dest.pod_id, cluster_id: dest.cluster_id });
      await this.services.events.record({ type: 'VM.MIGRATE', description: `Migrating VM ${vm.instance_name} to host ${dest.name}`, userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid }, trx);
    });
    // The destination host filters the VM's traffic from now on.
    await this.services.securityGroupPusher.pushVm(id);
    return loadVm(this.db, id);
  }
}
