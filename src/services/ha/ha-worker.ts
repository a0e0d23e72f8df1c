/**
 * Host failure and VM HA (the seed's "System Reliability and HA"):
 * - investigation: a host the agent layer moved to Alert (silent for two ping windows) is
 *   declared Down only when peers of its cluster, asked with CheckHost, say they no longer see
 *   it and none says it is alive; with no peer able to tell it stays Alert (never two copies);
 *   peers judge by the host's heartbeat on shared primary storage when it writes one (any
 *   driver: src/agent/heartbeat.ts), a simulator peer otherwise by its own rule;
 * - a Down host's Running VMs become Down with their host capacity released; HA-enabled ones
 *   (and routers, always HA) are started again, in the same pod first, then anywhere in the
 *   zone (the planner never leaves the zone); the others wait for their owner to start them;
 * - fencing: whenever an agent reports a VM Running that the server has moved, stopped or
 *   given up on, that agent is told to kill it (a host back from the dead mid-HA);
 * - a guest that shut down by itself (agent report, not an API stop) is restarted if HA-enabled;
 * - primary storage outages (storage-outage.ts): a VM whose pool is Down is never restarted
 *   while it is; it is remembered and restarted (if HA-enabled) when the pool is back.
 * Every step rechecks state in the database, so a restarted management server just carries on.
 */
import type { Logger } from 'pino';
import { sql } from 'kysely';
import { cpuNeed, memNeed } from '../../allocation/capacity.js';
import { releaseHost } from '../../allocation/reserve.js';
import type { Db } from '../../db/dialect.js';
import { hostTransition } from '../../orchestration/state/host-state.js';
import { transition } from '../../orchestration/state/vm-state.js';
import type { AgentCommand, VmState } from '../../protocol/messages.js';
import type { Services } from '../index.js';
import { SYSTEM_CALLER } from '../vms/area.js';
import { loadVm, ref, type VmRow } from '../vms/vm-rows.js';
import { ALERT } from './alert-types.js';
import { heartbeatPaths as heartbeatPathsOf } from '../../agents/heartbeat-paths.js';
import type { AlertService } from './alert.service.js';
import type { StorageOutages } from './storage-outage.js';

interface HostLite { id: number; uuid: string; name: string; status: string; private_ip: string | null; zone_id: number; pod_id: number; cluster_id: number }

export class HaWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running = false;
  private readonly restarting = new Set<number>();
  private readonly killing = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db, private readonly services: Services, private readonly alerts: AlertService, private readonly log: Logger,
    private readonly outages: StorageOutages,
  ) {}

  start(): void {
    this.services.agents.onPoolReport((hostId, pools) => this.outages.report(hostId, pools));
    this.services.agents.onHello((hostId, vms, at) => this.onHello(hostId, vms, at));
    this.services.agents.onVmStateReport((hostId, vms, at) => this.track(this.fence(hostId, vms, at)));
    this.services.vms.ops.reportedStopped.push((vmId) => this.track(this.guestStopped(vmId)));
    const next = () => {
      if (this.stopped) return;
      (this.timer = setTimeout(() => void this.tick().finally(next), 1000)).unref();
    };
    next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err) => this.log.warn({ err }, 'HA work failed'));
    this.pending.add(q);
    void q.finally(() => this.pending.delete(q));
  }

  async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      // One server of a farm investigates hosts and restarts VMs (the lease's holder).
      if (!(await this.services.leases.holds('ha'))) return;
      const k = this.db.kysely;
      const cols = ['id', 'uuid', 'name', 'status', 'private_ip', 'zone_id', 'pod_id', 'cluster_id'] as const;
      for (const h of await k.selectFrom('hosts').select(cols).where('type', '=', 'Routing').where('removed', 'is', null).where('status', '=', 'Alert').execute()) {
        if (!this.services.agents.isConnected(h.id)) await this.investigate(h);
      }
      for (const h of await k.selectFrom('hosts').select(cols).where('type', '=', 'Routing').where('removed', 'is', null).where('status', '=', 'Down').execute()) {
        await this.hostDown(h);
      }
      await this.outages.sweep();
      for (const vmId of await this.outages.returned()) this.track(this.afterOutage(vmId));
      // HA VMs left Down (a management server stopped mid-restart): start them now.
      for (const v of await k.selectFrom('vm_instances').select('id').where('state', '=', 'Down').where('removed', 'is', null).where('ha_enabled', '=', 1).execute()) {
        this.track(this.restart(v.id, 'it was left Down'));
      }
    } catch (err) {
      this.log.warn({ err }, 'HA check failed');
    } finally {
      this.running = false;
    }
  }

  /** Asks the cluster's other connected hosts whether they still see the host. */
  private async investigate(h: HostLite): Promise<void> {
    const peers = (await this.db.kysely.selectFrom('hosts').select('id').where('cluster_id', '=', h.cluster_id).where('id', '!=', h.id)
      .where('removed', 'is', null).where('status', '=', 'Up').execute()).filter((p) => this.services.agents.isConnected(p.id));
    if (!peers.length) return;
    // Peers also read the host's heartbeat on shared storage: one written within the silence
    // window means it still runs (cut off from the server only) and must not be fenced.
    const heartbeatPaths = await heartbeatPathsOf(this.db, h.id);
    const windowMs = ((await this.services.config.getNumber('ping.interval')) || 60) * ((await this.services.config.getNumber('ping.timeout')) || 2.5) * 1000;
    const check: AgentCommand = { type: 'CheckHost', hostUuid: h.uuid, privateIp: h.private_ip, ...(heartbeatPaths.length ? { heartbeatPaths, windowMs } : {}) };
    const answers = await Promise.all(peers.map((p) => this.services.agents.send(p.id, check, { timeoutMs: 15_000 })
      .then((a) => (a.result ? (a['alive'] as boolean | null) : null), () => null)));
    if (answers.includes(true) || !answers.includes(false)) return;
    if (this.services.agents.isConnected(h.id)) return;
    const to = await hostTransition(this.db.kysely, { id: h.id, status: 'Alert' }, 'HostDown');
    if (!to) return;
    this.log.warn({ hostId: h.id }, 'host declared down by its peers');
    await this.alerts.raise({
      type: ALERT.HOST, key: `down:${h.id}`, subject: `Host ${h.name} is down; its HA-enabled VMs are restarted on other hosts`,
      body: `${answers.filter((a) => a === false).length} peer(s) of cluster ${h.cluster_id} no longer see host ${h.name} (${h.private_ip ?? 'no address'}).`,
      zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id,
    });
  }

  /** Running VMs of a Down host become Down (capacity released); HA ones restart elsewhere. */
  private async hostDown(h: HostLite): Promise<void> {
    if (this.services.agents.isConnected(h.id)) return;
    // Starting/Stopping/Migrating VMs settle by themselves once their agent calls fail.
    const vms = await this.db.kysely.selectFrom('vm_instances').select('id').where('host_id', '=', h.id).where('state', '=', 'Running').where('removed', 'is', null).execute();
    for (const { id } of vms) {
      if (this.services.agents.isConnected(h.id)) return;
      const vm = await loadVm(this.db, id);
      if (vm.state !== 'Running' || vm.host_id !== h.id) continue;
      const ok = await this.markDown(vm, h).catch(() => false);
      if (ok && (vm.ha_enabled === 1 || vm.type === 'DomainRouter')) this.track(this.restart(vm.id, `its host ${h.name} is down`, h));
    }
  }

  private async markDown(vm: VmRow, h: HostLite): Promise<boolean> {
    const so = await this.db.kysely.selectFrom('service_offerings').select(['cpu_number', 'cpu_speed', 'ram_size']).where('id', '=', vm.service_offering_id).executeTakeFirstOrThrow();
    return this.db.kysely.transaction().execute(async (trx) => {
      // The host may be reconnecting: its hello then keeps (or fences) the VM itself. Writing the
      // host row locks it until commit, so a hello's AgentConnected waits for this VM to be Down
      // (and its hook then kills the copy) or wins first (and this gives up).
      const locked = await trx.updateTable('hosts').set({ update_count: sql`update_count + 1` }).where('id', '=', h.id).where('status', '=', 'Down').executeTakeFirst();
      if (Number(locked.numUpdatedRows) !== 1) return false;
      await transition(trx, ref(vm), 'HostDown', { host_id: null, last_host_id: h.id });
      await releaseHost(trx, h.id, cpuNeed({ cpuNumber: Number(so.cpu_number), cpuSpeed: Number(so.cpu_speed) }), memNeed({ ramMiB: Number(so.ram_size) }));
      await this.services.events.record({
        type: 'VM.STOP', level: 'WARN', description: `VM ${vm.instance_name} is Down: its host ${h.name} is down${vm.ha_enabled ? '; HA restarts it' : '; start it again when needed'}`,
        userId: SYSTEM_CALLER.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid,
      }, trx);
      return true;
    });
  }

  /** Starts the VM again: same pod first, then the zone. */
  private async restart(vmId: number, why: string, from?: HostLite): Promise<void> {
    if (this.restarting.has(vmId) || this.stopped) return;
    this.restarting.add(vmId);
    try {
      const vm = await loadVm(this.db, vmId);
      if (vm.state !== 'Down' && vm.state !== 'Stopped') return;
      // Its disks are on a pool no host reaches: starting could only fail; done when the pool is back.
      const down = await this.outages.downPoolsOf(vmId);
      if (down.length) return await this.outages.remember({ ...vm, ha: true }, down);
      let started: VmRow | undefined;
      let error = '';
      for (const target of vm.pod_id !== null ? [{ podId: vm.pod_id }, {}] : [{}]) {
        try {
          started = await this.services.vms.start(SYSTEM_CALLER, vmId, target);
          break;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          if (!['Down', 'Stopped'].includes((await loadVm(this.db, vmId)).state)) return;
        }
      }
      const type = vm.type === 'DomainRouter' ? ALERT.DOMAIN_ROUTER : ALERT.USERVM;
      const host = started?.host_id ? await this.services.hosts.get(started.host_id).catch(() => undefined) : undefined;
      await this.db.kysely.transaction().execute(async (trx) => {
        await this.services.events.record({
          type: vm.type === 'DomainRouter' ? 'ROUTER.HA' : 'VM.START', level: started ? 'INFO' : 'ERROR',
          description: started ? `HA restarted VM ${vm.instance_name} on host ${host?.name ?? started.host_id} because ${why}` : `HA could not restart VM ${vm.instance_name} (${why}): ${error}`,
          userId: SYSTEM_CALLER.userId, accountId: vm.account_id, domainId: vm.domain_id, resourceType: 'VirtualMachine', resourceUuid: vm.uuid,
        }, trx);
      });
      await this.alerts.raise({
        type, key: `ha:${vm.id}:${Date.now()}`,
        subject: started ? `HA restarted VM ${vm.instance_name} on host ${host?.name ?? started.host_id}` : `HA could not restart VM ${vm.instance_name}`,
        body: started ? `VM ${vm.instance_name} stopped unexpectedly (${why})${from ? ` on host ${from.name}` : ''} and was started again.` : error,
        zoneId: vm.zone_id, podId: started?.pod_id ?? vm.pod_id, clusterId: started?.cluster_id ?? vm.cluster_id,
      });
    } finally {
      this.restarting.delete(vmId);
    }
  }

  private async guestStopped(vmId: number): Promise<void> {
    const vm = await loadVm(this.db, vmId);
    const ha = vm.ha_enabled === 1 || vm.type === 'DomainRouter';
    const down = await this.outages.downPoolsOf(vmId);
    if (down.length) await this.outages.remember({ ...vm, ha }, down);
    else if (ha) await this.restart(vmId, 'its guest shut down (or crashed) on its own');
  }

  /** A VM stopped by a storage outage whose pool is back: HA ones start again, the others are left to their owner. */
  private async afterOutage(vmId: number): Promise<void> {
    if (this.restarting.has(vmId)) return;
    const vm = await loadVm(this.db, vmId).catch(() => undefined);
    if (vm && (vm.ha_enabled === 1 || vm.type === 'DomainRouter') && (vm.state === 'Stopped' || vm.state === 'Down')) {
      await this.restart(vmId, 'its storage pool is available again');
    }
    await this.outages.forget(vmId);
  }

  /** Running copies on `hostId` of VMs the server placed elsewhere, stopped or gave up on. */
  private async stale(hostId: number, vms: VmState[], at: number) {
    const out: Array<{ name: string; state: string; host_id: number | null; account_id: number; domain_id: number; uuid: string }> = [];
    for (const v of vms) {
      if (v.state !== 'Running' || this.killing.has(v.instanceName)) continue;
      const row = await this.db.kysely.selectFrom('vm_instances').select(['id', 'state', 'host_id', 'state_changed', 'account_id', 'domain_id', 'uuid'])
        .where('instance_name', '=', v.instanceName).orderBy('id', 'desc').executeTakeFirst();
      if (!row || at < Number(row.state_changed) || row.state === 'Migrating') continue;
      if (row.host_id === hostId && ['Running', 'Starting', 'Stopping'].includes(row.state)) continue;
      out.push({ name: v.instanceName, state: row.state, host_id: row.host_id, account_id: row.account_id, domain_id: row.domain_id, uuid: row.uuid });
    }
    return out;
  }

  private async killed(hostId: number, s: { name: string; state: string; host_id: number | null; account_id: number; domain_id: number; uuid: string }): Promise<void> {
    const host = await this.services.hosts.get(hostId).catch(() => undefined);
    await this.services.events.record({
      type: 'VM.STOP', level: 'WARN', description: `Killed a copy of VM ${s.name} running on host ${host?.name ?? hostId}: the VM is ${s.state}${s.host_id ? ` on host ${s.host_id}` : ''}`,
      userId: SYSTEM_CALLER.userId, accountId: s.account_id, domainId: s.domain_id, resourceType: 'VirtualMachine', resourceUuid: s.uuid,
    });
  }

  /**
   * A host coming back: its stale copies are killed before it turns Up, and VMs the server
   * has Running there that the agent no longer knows (a rebooted host: hello lists every VM
   * it has) are reported stopped, which restarts the HA ones.
   */
  private async onHello(hostId: number, vms: VmState[], at: number): Promise<AgentCommand[]> {
    // No staleness guard here: a VM the hello lists that the server has (since) placed on another
    // host or none must not run here. Judging by the hello's time let a VM that HA restarted
    // elsewhere while this hello ran keep its old copy until the next heartbeat: two copies.
    const stale = await this.stale(hostId, vms, Number.MAX_SAFE_INTEGER);
    for (const s of stale) await this.killed(hostId, s);
    const known = new Set(vms.map((v) => v.instanceName));
    const lost = await this.db.kysely.selectFrom('vm_instances').select('instance_name').where('host_id', '=', hostId).where('state', '=', 'Running')
      .where('removed', 'is', null).where('state_changed', '<', at).execute();
    for (const v of lost) {
      if (!known.has(v.instance_name)) await this.services.vms.ops.reconcile(SYSTEM_CALLER, { hostId, instanceName: v.instance_name, state: 'Stopped', at });
    }
    return stale.map((s) => ({ type: 'StopVm', instanceName: s.name, force: true }));
  }

  /** Heartbeat reports: kill what should not run there (never two copies of a VM). */
  private async fence(hostId: number, vms: VmState[], at: number): Promise<void> {
    for (const s of await this.stale(hostId, vms, at)) {
      this.killing.add(s.name);
      try {
        const a = await this.services.agents.send(hostId, { type: 'StopVm', instanceName: s.name, force: true }, { timeoutMs: 30_000 });
        if (a.result) await this.killed(hostId, s);
      } catch (err) {
        this.log.warn({ err, vm: s.name, hostId }, 'could not kill a stale VM copy');
      } finally {
        this.killing.delete(s.name);
      }
    }
  }
}
