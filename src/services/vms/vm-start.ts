/**
 * Starting a VM (STYLE §5: steps with compensations): plan from one HostSnapshot, reserve
 * the host (and pools for disks not yet created) in the transaction that sets the host,
 * create the disks and start on the agent; a failed step undoes what it reserved, avoids the
 * host and tries the next candidate. Out of candidates: the VM goes to Error (a deploy) or
 * back to Stopped (a start), every reservation released.
 */
import { CloudError } from '../../api/errors.js';
import { cpuNeed, memNeed } from '../../allocation/capacity.js';
import { insufficientCapacity, plan, type Placement } from '../../allocation/planner.js';
import { reserveFirst } from '../../allocation/place.js';
import { releaseHost, releasePool } from '../../allocation/reserve.js';
import { loadSnapshot } from '../../allocation/snapshot.js';
import { emptyAvoid, type HostSnapshot, type VmRequirements } from '../../allocation/types.js';
import type { Db } from '../../db/dialect.js';
import { QueryTemplate } from '../../db/prepared.js';
import { transition } from '../../orchestration/state/vm-state.js';
import { volumeRef, volumeTransition } from '../../orchestration/state/volume-state.js';
import type { Caller } from '../caller.js';
import type { Services } from '../index.js';
import type { NicSpec } from '../../protocol/messages.js';
import { agentSend } from './agent-port.js';
import { splitTags, vmDb } from './contract.js';
import { loadAnyVm, ref, volumesOf, type VmRow, type VolumeRow } from './vm-rows.js';

export interface StartOptions {
  /** A deploy fails into Error; a start falls back to Stopped. */
  deploy: boolean;
  target?: { hostId?: number; clusterId?: number; podId?: number };
}

/** Event names and NICs of a kind of system VM the starter also places and starts (routers). */
export interface SystemVmKind {
  eventPrefix: string;
  resourceType: string;
  nics(vmId: number): Promise<NicSpec[]>;
}

// Read once or twice per deploy (issue #5 bench): templates; offerings, templates, guest OS and
// template files may come from the SQLite read cache (shared, frozen rows: only read here).
const OFFERING = new QueryTemplate((k, $) => k.selectFrom('service_offerings').selectAll().where('id', '=', $<number>('id')), { cacheRows: true });
const TEMPLATE = new QueryTemplate((k, $) => k.selectFrom('templates').select(['hypervisor_type', 'is_iso']).where('id', '=', $<number>('id')), { cacheRows: true });
const GUEST_OS = new QueryTemplate((k, $) => k.selectFrom('guest_os').select('category_id').where('id', '=', $<number>('id')), { cacheRows: true });
const VOLUME = new QueryTemplate((k, $) => k.selectFrom('volumes').selectAll().where('id', '=', $<number>('id')));
const POOL_PATH = new QueryTemplate((k, $) => k.selectFrom('storage_pools').select(['uuid', 'path']).where('id', '=', $<number>('id')));
const TEMPLATE_PATH = new QueryTemplate((k, $) => k.selectFrom('template_store_refs').select(['install_path']).where('template_id', '=', $<number>('template'))
  .where('zone_id', '=', $<number>('zone')).where('download_state', '=', 'DOWNLOADED'), { cacheRows: true });
const NETWORKS_OF_VM = new QueryTemplate((k, $) => k.selectFrom('nics as c').innerJoin('networks as n', 'n.id', 'c.network_id')
  .select(['n.id', 'n.state', 'n.guest_type']).where('c.vm_id', '=', $<number>('vmId')).where('c.removed', 'is', null));
const NIC_SPECS = new QueryTemplate((k, $) => k.selectFrom('nics as c').innerJoin('networks as n', 'n.id', 'c.network_id')
  .select(['c.uuid', 'c.device_id', 'c.mac_address', 'c.ip_address', 'c.netmask', 'c.gateway', 'c.is_default', 'n.uuid as network_uuid', 'n.broadcast_uri', 'n.network_domain'])
  .where('c.vm_id', '=', $<number>('vmId')).where('c.removed', 'is', null).orderBy('c.device_id'));

export class VmStarter {
  constructor(private readonly db: Db, private readonly services: Services) {}

  /** System VM kinds by vm_instances.type (registered by their areas, e.g. DomainRouter). */
  readonly systemKinds = new Map<string, SystemVmKind>();
  /** Called with a guest VM's implemented networks before it is placed (the routers area ensures their router runs). */
  readonly networkPreparers: Array<(networkIds: number[]) => Promise<void>> = [];

  private names(vm: VmRow) {
    const k = this.systemKinds.get(vm.type);
    return { start: `${k?.eventPrefix ?? 'VM'}.START`, create: `${k?.eventPrefix ?? 'VM'}.CREATE`, resourceType: k?.resourceType ?? 'VirtualMachine' };
  }

  async factors() {
    const c = this.services.config;
    return {
      cpu: await c.getNumber('cpu.overprovisioning.factor'),
      mem: await c.getNumber('mem.overprovisioning.factor'),
      storage: await c.getNumber('storage.overprovisioning.factor'),
    };
  }

  async requirements(vm: VmRow, vols: VolumeRow[], target: StartOptions['target']): Promise<VmRequirements> {
    const db = vmDb(this.db.kysely);
    const k = this.db.kysely;
    const [so] = await OFFERING.execute(k, '', { id: vm.service_offering_id });
    if (!so) throw new Error(`no service offering ${vm.service_offering_id}`);
    const [tpl] = vm.template_id === null ? [] : await TEMPLATE.execute(k, '', { id: vm.template_id });
    const [os] = await GUEST_OS.execute(k, '', { id: vm.guest_os_id });
    const diskTags = new Map<number, string[]>();
    for (const v of vols) {
      if (v.disk_offering_id === null) continue;
      const d = await db.selectFrom('disk_offerings').select('tags').where('id', '=', v.disk_offering_id).executeTakeFirst();
      diskTags.set(v.id, splitTags(d?.tags));
    }
    return {
      zoneId: vm.zone_id, accountId: vm.account_id, cpuNumber: Number(so.cpu_number), cpuSpeed: Number(so.cpu_speed), ramMiB: Number(so.ram_size),
      hypervisor: !tpl || tpl.is_iso ? null : tpl.hypervisor_type, hostTag: so.host_tag || null, osCategoryId: os?.category_id ?? null,
      disks: vols.map((v) => ({
        bytes: Number(v.size),
        tags: v.volume_type === 'ROOT' ? [...new Set([...splitTags(so.tags), ...(diskTags.get(v.id) ?? [])])] : diskTags.get(v.id) ?? [],
        ...(v.pool_id !== null && v.state === 'Ready' ? { poolId: v.pool_id } : {}),
      })),
      avoid: emptyAvoid(), target: target ?? {},
    };
  }

  /** Stopped/Down → Running (or Error/Stopped with the reason). */
  async start(caller: Caller, vmId: number, opts: StartOptions): Promise<VmRow> {
    let vm = await loadAnyVm(this.db, vmId);
    const startRef = await transition(this.db.kysely, ref(vm), 'StartRequested');
    vm = { ...vm, state: startRef.state, update_count: startRef.update_count };
    try {
      await this.prepareNetworks(vm);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      await this.fail(caller, vm, opts.deploy, why);
      throw e;
    }
    const vols = await volumesOf(this.db, vm.id);
    const factors = await this.factors();
    const req = await this.requirements(vm, vols, opts.target);
    const algorithm = (await this.services.config.get('vm.allocation.algorithm')) ?? 'random';
    const maxAttempts = Math.max(1, (await this.services.config.getNumber('start.retry').catch(() => 10)) || 10);
    let lastError = '';
    let lastPlan: ReturnType<typeof plan> | undefined;
    let lastSnap: HostSnapshot | undefined;
    let races = 0;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const snap = (lastSnap = await loadSnapshot(this.db.kysely, vm.zone_id, vm.account_id, factors, algorithm));
      lastPlan = plan(snap, req, algorithm);
      if (lastPlan.candidates.length === 0) break;
      const placed = await this.reserve(vm, vols, lastPlan.candidates, req, snap.factors);
      if (!placed) {
        // Lost every race: plan again from a fresh snapshot (not counted as a failed start).
        if (++races < 100) attempt--;
        continue;
      }
      vm = placed.vm;
      try {
        await this.bringUp(vm, vols, placed.placement, req);
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        vm = await this.undoPlacement(vm, vols, placed.placement, req);
        req.avoid.hosts.add(placed.placement.host.id);
        continue;
      }
      return this.finish(caller, vm, placed.placement);
    }
    const lost = lastSnap ? await this.lostPool(req, lastSnap) : undefined;
    const why = lost ?? (lastError || (lastPlan ? insufficientCapacity(vm.instance_name, lastPlan, vm.zone_id).message : 'no host'));
    await this.fail(caller, vm, opts.deploy, why);
    if (lost) throw new CloudError('ResourceUnavailable', `Unable to start VM ${vm.instance_name}: ${lost}`);
    if (lastError) throw new CloudError('InsufficientCapacity', `Unable to start VM ${vm.instance_name}: ${lastError}`, { scope: `DataCenter ${vm.zone_id}` });
    throw insufficientCapacity(vm.instance_name, lastPlan ?? { removed: {}, considered: 0 }, vm.zone_id);
  }

  /**
   * A disk on a pool no host reaches (a storage outage, docs/ha.md): the reason to give rather
   * than "no host with storage". Read from the planner's snapshot, so a start that works pays nothing.
   */
  private async lostPool(req: VmRequirements, snap: HostSnapshot): Promise<string | undefined> {
    const id = req.disks.map((d) => d.poolId).find((p) => p !== undefined && snap.pools.some((x) => x.id === p && x.status === 'Down'));
    if (id === undefined) return undefined;
    const p = await vmDb(this.db.kysely).selectFrom('storage_pools').select('name').where('id', '=', id).executeTakeFirst();
    return `storage pool ${p?.name ?? id} holding its disks is not available (Down); start it once the pool is back`;
  }

  /**
   * The VM's networks are implemented before it is placed (CloudStack's NetworkOrchestrator
   * prepare): an isolated network gets its guest VLAN and source NAT address on first use.
   */
  private async prepareNetworks(vm: VmRow): Promise<void> {
    const nets = await NETWORKS_OF_VM.execute(this.db.kysely, '', { vmId: vm.id });
    for (const n of nets) {
      if (n.guest_type === 'Isolated' && n.state !== 'Implemented') await this.services.networks.implement(n.id, 1);
    }
    if (nets.length > 0) for (const p of this.networkPreparers) await p(nets.map((n) => n.id));
  }

  /** The NICs as the agent plugs them (device order, default first in CloudStack's sense). */
  private async nicSpecs(vm: VmRow): Promise<NicSpec[]> {
    const kind = this.systemKinds.get(vm.type);
    if (kind) return kind.nics(vm.id);
    const vmId = vm.id;
    const rows = await NIC_SPECS.execute(this.db.kysely, '', { vmId });
    return rows.map((r) => ({
      uuid: r.uuid, deviceId: r.device_id, mac: r.mac_address, ip: r.ip_address, netmask: r.netmask, gateway: r.gateway, isDefault: r.is_default === 1,
      networkUuid: r.network_uuid, broadcastUri: r.broadcast_uri, networkDomain: r.network_domain, trafficType: 'Guest',
    }));
  }

  /** One transaction: host room, pool room for new disks, the VM row pointing at the host. */
  private async reserve(vm: VmRow, vols: VolumeRow[], candidates: Placement[], req: VmRequirements, f: HostSnapshot['factors']) {
    let next: VmRow = vm;
    const c = await reserveFirst(this.db.kysely, candidates, req, f, async (trx, c) => {
      for (const [i, v] of vols.entries()) {
        if (req.disks[i]!.poolId !== undefined) continue;
        const [cur] = await VOLUME.execute(trx, '', { id: v.id });
        if (!cur) throw new Error(`no volume ${v.id}`);
        await volumeTransition(trx, volumeRef(cur), 'CreateRequested', { pool_id: c.pools[i]! });
      }
      const r = await transition(trx, ref(vm), 'OperationRetry', { host_id: c.host.id, pod_id: c.host.podId, cluster_id: c.host.clusterId });
      next = { ...vm, state: r.state, update_count: r.update_count, host_id: c.host.id, pod_id: c.host.podId, cluster_id: c.host.clusterId };
    });
    return c ? { placement: c, vm: next } : undefined;
  }

  /** Agent steps: create new disks (thin clones of the template), then StartVm. */
  private async bringUp(vm: VmRow, vols: VolumeRow[], c: Placement, req: VmRequirements): Promise<void> {
    const db = vmDb(this.db.kysely);
    for (const [i, v] of vols.entries()) {
      const [now] = await VOLUME.execute(this.db.kysely, '', { id: v.id });
      if (!now) throw new Error(`no volume ${v.id}`);
      if (now.state === 'Ready') continue;
      const [pool] = await POOL_PATH.execute(this.db.kysely, '', { id: c.pools[i]! });
      if (!pool) throw new Error(`no storage pool ${c.pools[i]}`);
      const [tpl] = v.template_id === null ? [] : await TEMPLATE_PATH.execute(this.db.kysely, '', { template: v.template_id, zone: vm.zone_id });
      const r = await agentSend(this.services, c.host.id, {
        type: 'CreateVolume', volumeUuid: v.uuid, name: v.name, poolUuid: pool.uuid, poolPath: pool.path, size: Number(v.size),
        ...(tpl?.install_path ? { templatePath: tpl.install_path } : {}),
      });
      const path = typeof r['path'] === 'string' ? r['path'] : `${pool.path}/${v.uuid}`;
      await volumeTransition(this.db.kysely, volumeRef(now), 'OperationSucceeded', { path });
    }
    const iso = vm.iso_id === null ? undefined : await db.selectFrom('template_store_refs').select('install_path').where('template_id', '=', vm.iso_id).where('zone_id', '=', vm.zone_id).executeTakeFirst();
    const [disks, nics] = await Promise.all([volumesOf(this.db, vm.id), this.nicSpecs(vm)]);
    await agentSend(this.services, c.host.id, {
      // The offering's figures as the placement used them (read once, in requirements()).
      type: 'StartVm', instanceName: vm.instance_name, vmUuid: vm.uuid, cpus: req.cpuNumber, cpuSpeed: req.cpuSpeed,
      memoryMiB: req.ramMiB, disks: disks.map((d) => ({ uuid: d.uuid, path: d.path, type: d.volume_type, deviceId: d.device_id })),
      ...(iso?.install_path ? { isoPath: iso.install_path } : {}),
      ...(nics.length ? { nics } : {}),
      ...(vm.user_data ? { userData: vm.user_data } : {}),
    });
  }

  /** Compensation of a failed attempt: give the host back; disks not created give their pool back. */
  private async undoPlacement(vm: VmRow, vols: VolumeRow[], c: Placement, req: VmRequirements): Promise<VmRow> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await releaseHost(trx, c.host.id, cpuNeed(req), memNeed(req));
      for (const [i, v] of vols.entries()) {
        const now = await trx.selectFrom('volumes').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
        if (now.state !== 'Creating') continue;
        await releasePool(trx, c.pools[i]!, Number(v.size));
        await volumeTransition(trx, volumeRef(now), 'OperationFailed', { pool_id: null });
      }
      await trx.updateTable('vm_instances').set({ host_id: null }).where('id', '=', vm.id).execute();
    });
    // Volumes created on this attempt stay on their pool; later attempts must reach it.
    for (const [i, v] of (await volumesOf(this.db, vm.id)).entries()) {
      if (v.state === 'Ready' && v.pool_id !== null) req.disks[i] = { ...req.disks[i]!, poolId: v.pool_id };
    }
    return { ...vm, host_id: null };
  }

  private async finish(caller: Caller, vm: VmRow, c: Placement): Promise<VmRow> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await transition(trx, ref(vm), 'OperationSucceeded', { last_host_id: c.host.id });
      await this.services.events.record({
        type: this.names(vm).start, description: `Starting ${vm.type === 'User' ? 'VM' : 'router'} ${vm.instance_name}`, userId: caller.userId, accountId: vm.account_id,
        domainId: vm.domain_id, resourceType: this.names(vm).resourceType, resourceUuid: vm.uuid,
      }, trx);
    });
    // The host filters the VM's traffic as its security groups say; peers now allow its address.
    await this.services.securityGroupPusher.vmChanged(vm.id);
    return loadAnyVm(this.db, vm.id);
  }

  private async fail(caller: Caller, vm: VmRow, deploy: boolean, why: string): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await transition(trx, ref(vm), deploy ? 'OperationFailedToError' : 'OperationFailed', { host_id: null, pod_id: vm.pod_id, cluster_id: vm.cluster_id });
      await this.services.events.record({
        type: deploy ? this.names(vm).create : this.names(vm).start, level: 'ERROR', description: `Failed to start VM ${vm.instance_name}: ${why}`,
        userId: caller.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: this.names(vm).resourceType, resourceUuid: vm.uuid,
      }, trx);
    });
  }
}
