/**
 * Virtual routers (CloudStack VirtualNetworkApplianceManager): one DomainRouter system VM per
 * isolated network, and per shared network whose offering has the router serving DHCP; created
 * on demand when a guest VM of the network starts, placed by the planner with the system router
 * offering, HA-enabled always. Its state follows the VM state table; events ROUTER.*.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { CloudError, paramError } from '../../api/errors.js';
import { cpuNeed, memNeed } from '../../allocation/capacity.js';
import { releaseHost } from '../../allocation/reserve.js';
import type { Db } from '../../db/dialect.js';
import { forUpdate, insertId } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { transition } from '../../orchestration/state/vm-state.js';
import type { Caller } from '../caller.js';
import type { ListScope } from '../identity/scope.js';
import type { Services } from '../index.js';
import type { Page } from '../paging.js';
import { agentSend } from '../vms/agent-port.js';
import { SYSTEM_CALLER as SYSTEM } from '../vms/area.js';
import { ref } from '../vms/vm-rows.js';
import { vmDb } from '../vms/contract.js';
import { linkLocalFor, routerQuery, type RouterView } from './router-rows.js';
import { guestAddresses, usedGuestIps } from '../networks/network.queries.js';

export interface RouterFilter {
  id?: number | undefined; name?: string | undefined; state?: string | undefined; zoneId?: number | undefined; podId?: number | undefined;
  clusterId?: number | undefined; hostId?: number | undefined; networkId?: number | undefined; keyword?: string | undefined;
}

export const ROUTER_TYPE = 'DomainRouter';

export class RouterService {
  /** Set by the area: pushes a router's document after it starts (the pusher). */
  afterStart: (routerVmId: number) => Promise<void> = async () => {};
  /** Set by the usage area: samples a running router's traffic counters before a stop or reboot zeroes them. Never throws. */
  beforeStop: (routerVmId: number) => Promise<void> = async () => {};
  /** One ensure at a time per network in this process (the network row lock orders processes). */
  private readonly ensuring = new Map<number, Promise<void>>();

  constructor(private readonly db: Db, private readonly services: Services) {}

  get(vmId: number, exec: Kysely<Database> = this.db.kysely): Promise<RouterView | undefined> {
    return routerQuery(exec).where('r.vm_id', '=', vmId).executeTakeFirst();
  }

  async getOrFail(vmId: number): Promise<RouterView> {
    const r = await this.get(vmId);
    if (!r) throw paramError('Unable to find router by id');
    return r;
  }

  /** The caller's view of a router: admins and domain admins within their domain (531 otherwise). */
  async access(caller: Caller, vmId: number): Promise<RouterView> {
    const r = await this.getOrFail(vmId);
    this.services.scoper.checkAccess(caller, { accountId: r.account_id, domainId: r.domain_id, domainPath: r.domain_path }, 'router');
    return r;
  }

  ofNetwork(networkId: number, exec: Kysely<Database> = this.db.kysely): Promise<RouterView | undefined> {
    return routerQuery(exec).where('r.network_id', '=', networkId).executeTakeFirst();
  }

  async list(scope: ListScope, f: RouterFilter, page: Page): Promise<{ rows: RouterView[]; count: number }> {
    let q = this.services.scoper.apply(routerQuery(this.db.kysely), scope, 'v.account_id', 'v.domain_id');
    if (f.id !== undefined) q = q.where('r.vm_id', '=', f.id);
    if (f.name !== undefined) q = q.where('v.name', '=', f.name);
    if (f.state !== undefined) q = q.where('v.state', '=', f.state);
    if (f.zoneId !== undefined) q = q.where('v.zone_id', '=', f.zoneId);
    if (f.podId !== undefined) q = q.where('v.pod_id', '=', f.podId);
    if (f.clusterId !== undefined) q = q.where('v.cluster_id', '=', f.clusterId);
    if (f.hostId !== undefined) q = q.where('v.host_id', '=', f.hostId);
    if (f.networkId !== undefined) q = q.where('r.network_id', '=', f.networkId);
    if (f.keyword !== undefined) q = q.where('v.name', 'like', `%${f.keyword.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    return page.run(q.orderBy('r.vm_id'));
  }

  /** Does this network get a router: isolated networks, and shared ones whose DHCP the virtual router serves. */
  async needsRouter(networkId: number): Promise<boolean> {
    const n = await this.db.kysely.selectFrom('networks').select(['guest_type', 'network_offering_id', 'state']).where('id', '=', networkId).where('removed', 'is', null).executeTakeFirst();
    if (!n) return false;
    if (n.guest_type === 'Isolated') return true;
    const dhcp = await this.db.kysely.selectFrom('network_offering_services').select('provider').where('network_offering_id', '=', n.network_offering_id)
      .where('service', '=', 'Dhcp').executeTakeFirst();
    return dhcp?.provider === 'VirtualRouter';
  }

  /** Before a guest VM of these networks is placed: each network that needs one has its router Running. */
  async ensureFor(networkIds: number[]): Promise<void> {
    for (const id of networkIds) {
      if (!(await this.needsRouter(id))) continue;
      const cur = await this.ofNetwork(id);
      if (cur?.state === 'Running') continue;
      let p = this.ensuring.get(id);
      if (!p) {
        p = this.ensure(id).finally(() => this.ensuring.delete(id));
        this.ensuring.set(id, p);
      }
      await p;
    }
  }

  private async ensure(networkId: number): Promise<void> {
    const vmId = await this.createIfMissing(networkId);
    const r = await this.getOrFail(vmId);
    if (r.state === 'Running') return;
    if (r.state !== 'Stopped' && r.state !== 'Down') throw new CloudError('ResourceUnavailable', `The network's router ${r.name} is ${r.state}; try again later`);
    await this.start(SYSTEM, vmId);
  }

  /** The router row and its VM (Stopped), with ROUTER.CREATE, once per network (the network row is locked). */
  private async createIfMissing(networkId: number): Promise<number> {
    const so = await this.services.serviceOfferings.systemOffering('domainrouter');
    return this.db.kysely.transaction().execute(async (trx) => {
      const n = await forUpdate(trx.selectFrom('networks').select(['id', 'uuid', 'account_id', 'domain_id', 'zone_id', 'gateway', 'guest_type', 'cidr', 'start_ip', 'end_ip'])
        .where('id', '=', networkId).where('removed', 'is', null), this.db.dialect).executeTakeFirst();
      if (!n) throw paramError('Unable to find network by id');
      const have = await trx.selectFrom('domain_routers').select('vm_id').where('network_id', '=', networkId).where('removed', 'is', null).executeTakeFirst();
      if (have) return have.vm_id;
      // An isolated network's router is its gateway; a shared network has its own gateway, and its
      // DHCP router takes a free address of the range (NIC allocation then skips it). A Basic
      // zone's network has no CIDR of its own (pod ranges feed it): its router keeps the gateway
      // field as before (an address from the pod ranges is not done).
      const guestIp = n.guest_type === 'Shared' && n.cidr ? await this.freeGuestIp(trx, n) : n.gateway;
      const sourceNat = await trx.selectFrom('user_ip_addresses').select('id').where('network_id', '=', networkId).where('source_nat', '=', 1)
        .where('state', '=', 'Allocated').where('removed', 'is', null).executeTakeFirst();
      const os = await trx.selectFrom('guest_os').select('id').orderBy('id').executeTakeFirstOrThrow();
      const uuid = randomUUID();
      const now = Date.now();
      const id = await insertId(trx, this.db.dialect, 'vm_instances', {
        uuid, name: `r-pending-${uuid}`, instance_name: `r-pending-${uuid}`, display_name: null, type: ROUTER_TYPE, state: 'Stopped',
        account_id: n.account_id, domain_id: n.domain_id, zone_id: n.zone_id, pod_id: null, cluster_id: null, host_id: null, last_host_id: null,
        service_offering_id: so.id, template_id: null, iso_id: null, guest_os_id: os.id, ha_enabled: 1, user_data: null, ssh_keypair_id: null,
        password: null, update_count: 0, state_changed: now, created: now, removed: null,
      });
      const name = `r-${id}-VM`;
      await trx.updateTable('vm_instances').set({ name, instance_name: name }).where('id', '=', id).execute();
      await insertId(trx, this.db.dialect, 'domain_routers', {
        vm_id: id, network_id: networkId, guest_ip: guestIp, public_ip_id: sourceNat?.id ?? null, link_local_ip: linkLocalFor(id),
        applied_version: null, applied_at: null, removed: null,
      });
      await this.services.events.record({ type: 'ROUTER.CREATE', description: `Creating router ${name} for network ${n.uuid}`, userId: SYSTEM.userId, accountId: n.account_id, domainId: n.domain_id, resourceType: 'DomainRouter', resourceUuid: uuid }, trx);
      return id;
    });
  }

  private async freeGuestIp(trx: Kysely<Database>, n: { id: number; cidr: string | null; gateway: string | null; start_ip: string | null; end_ip: string | null }): Promise<string> {
    const used = await usedGuestIps(trx, n.id);
    for (const ip of guestAddresses(n.cidr ?? '', n.gateway, n.start_ip, n.end_ip)) if (!used.has(ip)) return ip;
    throw new CloudError('InsufficientCapacity', 'Unable to allocate an address for the DHCP router of the network: no free address left', { scope: 'network' });
  }

  /** Placed by the planner like any VM (ROUTER.START), then given its whole configuration. */
  async start(caller: Caller, vmId: number): Promise<RouterView> {
    const r = await this.getOrFail(vmId);
    if (r.state === 'Running') return r;
    if (r.state !== 'Stopped' && r.state !== 'Down') throw new CloudError('InvalidState', `Unable to start router ${r.name}: it is in state ${r.state}`);
    // The public NIC follows the network's current source NAT address (it may have been re-acquired).
    const snat = await this.db.kysely.selectFrom('user_ip_addresses').select('id').where('network_id', '=', r.network_id).where('source_nat', '=', 1).where('state', '=', 'Allocated').executeTakeFirst();
    await this.db.kysely.updateTable('domain_routers').set({ public_ip_id: snat?.id ?? null, applied_version: null }).where('vm_id', '=', vmId).execute();
    await this.services.vms.starter.start(caller, vmId, { deploy: false });
    await this.afterStart(vmId);
    return this.getOrFail(vmId);
  }

  /** stopRouter: the router is powered off (forced when asked, else gracefully then forced). */
  async stop(caller: Caller, vmId: number, forced: boolean): Promise<RouterView> {
    const r = await this.getOrFail(vmId);
    if (r.state === 'Stopped') return r;
    if (r.state !== 'Running') throw new CloudError('InvalidState', `Unable to stop router ${r.name}: it is in state ${r.state}`);
    await this.beforeStop(vmId);
    const s = await transition(this.db.kysely, this.vmRef(r), 'StopRequested');
    try {
      await agentSend(this.services, r.host_id!, { type: 'StopVm', instanceName: r.instance_name, force: forced });
    } catch (e) {
      if (!forced) {
        try {
          await agentSend(this.services, r.host_id!, { type: 'StopVm', instanceName: r.instance_name, force: true });
        } catch (e2) {
          await transition(this.db.kysely, { id: r.vm_id, state: s.state, update_count: s.update_count }, 'OperationFailed');
          throw new CloudError('ResourceUnavailable', `Unable to stop router ${r.name}: ${e2 instanceof Error ? e2.message : e2}`);
        }
      } else {
        await transition(this.db.kysely, { id: r.vm_id, state: s.state, update_count: s.update_count }, 'OperationFailed');
        throw new CloudError('ResourceUnavailable', `Unable to stop router ${r.name}: ${e instanceof Error ? e.message : e}`);
      }
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      await transition(trx, { id: r.vm_id, state: s.state, update_count: s.update_count }, 'OperationSucceeded', { host_id: null, last_host_id: r.host_id });
      await this.leaveHost(trx, r);
      await trx.updateTable('domain_routers').set({ applied_version: null }).where('vm_id', '=', r.vm_id).execute();
      await this.event(trx, caller, r, 'ROUTER.STOP', `Stopping router ${r.name}`);
    });
    return this.getOrFail(vmId);
  }

  /** rebootRouter: restarted on its host, then its configuration is applied again. */
  async reboot(caller: Caller, vmId: number): Promise<RouterView> {
    const r = await this.getOrFail(vmId);
    if (r.state !== 'Running') throw new CloudError('InvalidState', `Unable to reboot router ${r.name}: it is in state ${r.state}`);
    await this.beforeStop(vmId);
    await agentSend(this.services, r.host_id!, { type: 'RebootVm', instanceName: r.instance_name });
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('domain_routers').set({ applied_version: null }).where('vm_id', '=', r.vm_id).execute();
      await this.event(trx, caller, r, 'ROUTER.REBOOT', `Rebooting router ${r.name}`);
    });
    await this.afterStart(vmId);
    return this.getOrFail(vmId);
  }

  /** destroyRouter: stopped if running, removed at once (a network that is used again gets a new one). */
  async destroy(caller: Caller, vmId: number): Promise<RouterView> {
    let r = await this.getOrFail(vmId);
    if (r.state === 'Running') r = await this.stop(caller, vmId, true);
    if (r.state !== 'Stopped' && r.state !== 'Error' && r.state !== 'Down') throw new CloudError('InvalidState', `Unable to destroy router ${r.name}: it is in state ${r.state}`);
    if (r.host_id !== null) await agentSend(this.services, r.host_id, { type: 'DestroyVm', instanceName: r.instance_name }).catch(() => undefined);
    else if (r.cluster_id !== null) {
      const last = await this.db.kysely.selectFrom('vm_instances').select('last_host_id').where('id', '=', r.vm_id).executeTakeFirst();
      if (last?.last_host_id) await agentSend(this.services, last.last_host_id, { type: 'DestroyVm', instanceName: r.instance_name }).catch(() => undefined);
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      const now = Date.now();
      const e = await transition(trx, this.vmRef(r), 'ExpungeOperation');
      await transition(trx, { id: r.vm_id, state: e.state, update_count: e.update_count }, 'ExpungeOperation', { removed: now, host_id: null });
      if (r.host_id !== null) await this.leaveHost(trx, r);
      await trx.updateTable('domain_routers').set({ removed: now }).where('vm_id', '=', r.vm_id).execute();
      await this.event(trx, caller, r, 'ROUTER.DESTROY', `Destroying router ${r.name}`);
    });
    return { ...r, state: 'Expunging' };
  }

  /** The network's router goes (network deleted or restarted with cleanup). */
  async destroyOfNetwork(caller: Caller, networkId: number): Promise<boolean> {
    const r = await this.ofNetwork(networkId);
    if (!r) return false;
    await this.destroy(caller, r.vm_id);
    return true;
  }

  private vmRef(r: RouterView) {
    return ref({ id: r.vm_id, state: r.state, update_count: r.update_count } as never);
  }

  private async leaveHost(trx: Kysely<Database>, r: RouterView) {
    if (r.host_id === null) return;
    // Inside the transaction's connection (SQLite has only one).
    const so = await vmDb(trx).selectFrom('vm_instances as v').innerJoin('service_offerings as so', 'so.id', 'v.service_offering_id')
      .select(['so.cpu_number', 'so.cpu_speed', 'so.ram_size']).where('v.id', '=', r.vm_id).executeTakeFirstOrThrow();
    await releaseHost(trx, r.host_id, cpuNeed({ cpuNumber: Number(so.cpu_number), cpuSpeed: Number(so.cpu_speed) }), memNeed({ ramMiB: Number(so.ram_size) }));
  }

  private async event(trx: Kysely<Database>, caller: Caller, r: RouterView, type: string, description: string) {
    await this.services.events.record({ type, description, userId: caller.userId, accountId: r.account_id, domainId: r.domain_id, resourceType: 'DomainRouter', resourceUuid: r.uuid }, trx);
  }
}
