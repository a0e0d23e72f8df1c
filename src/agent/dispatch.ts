/** Protocol command → driver call, one exhaustive switch; a thrown error becomes `result: false`. */
import type { HypervisorDriver } from '../drivers/driver.js';
import { SimulatorDriver } from '../drivers/simulator/simulator-driver.js';
import type { AgentCommand, AnswerBody, HostStats } from '../protocol/messages.js';
import type { VmStats } from '../drivers/driver.js';
import { readHeartbeat } from './heartbeat.js';

/** What a command may need beyond the driver: the agent connection's own capabilities. */
export interface DispatchContext {
  /** Relays a console session from the VNC server at `address` over a channel to the server (or to `dialBack`). */
  openConsole?(channel: string, address: { host: string; port: number }, dialBack?: string): Promise<void>;
  /** Claims a VM on the shared pools before it runs here (self-fence.ts); `displaced`: another host held it. */
  claim?(instanceName: string): Promise<{ displaced: boolean }>;
  /** Stages the claim of a VM arriving by migration, to show with `commit` once it runs here. */
  stageClaim?(instanceName: string): Promise<{ commit(): Promise<unknown>; abandon(): Promise<void> }>;
  /** Forgets the claims of a VM the server expunged (DestroyVm). */
  release?(instanceName: string): Promise<void>;
  /** Reports how far the command has come (0-100) to the server, before its answer. */
  progress?(percent: number): void;
  /** How long a start waits for a displaced host to kill the copy that still holds the disks. */
  fenceWaitMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function dispatch(d: HypervisorDriver, cmd: AgentCommand, ctx: DispatchContext = {}): Promise<AnswerBody> {
  try {
    return { result: true, ...(await run(d, cmd, ctx)) };
  } catch (e) {
    return { result: false, details: e instanceof Error ? e.message : String(e) };
  }
}

async function run(d: HypervisorDriver, c: AgentCommand, ctx: DispatchContext): Promise<Record<string, unknown>> {
  switch (c.type) {
    case 'StartVm': {
      // Claimed as the start begins, so a cut-off host still running an old copy kills it; that
      // copy may hold the disks (QEMU's image locks) until then, so a start that displaced
      // another host's claim retries for a while. The locks, not the claim's order, keep two
      // copies off one disk: the claim is written while QEMU starts, not before.
      const claimed = ctx.claim?.(c.instanceName);
      let until: number | undefined;
      for (;;) {
        try {
          await d.startVm({ instanceName: c.instanceName, cpus: c.cpus, cpuSpeed: c.cpuSpeed, memoryMiB: c.memoryMiB, disks: c.disks ?? [], isoPath: c.isoPath, nics: c.nics });
          break;
        } catch (e) {
          until ??= (await claimed)?.displaced ? Date.now() + (ctx.fenceWaitMs ?? 0) : 0;
          if (Date.now() >= until || !d.disksHeldElsewhere?.(e)) throw e;
          await sleep(250);
        }
      }
      await claimed;
      // No VNC port in the answer: the console proxy asks for it when a viewer opens (OpenConsole),
      // and a QMP round trip here only delayed every start.
      return {};
    }
    case 'StopVm':
      await d.stopVm(c.instanceName, c.force === true);
      return {};
    case 'CheckHost': {
      // The lost host's heartbeats on shared storage, whatever the driver; without any, a real
      // driver cannot tell (null: HA never fences on a guess) and the simulator uses its own rule.
      const heartbeat = c.heartbeatPaths?.length ? await readHeartbeat(c.heartbeatPaths, c.hostUuid, c.windowMs ?? 60_000) : null;
      return { alive: d instanceof SimulatorDriver ? d.checkHost(c.hostUuid, heartbeat) : heartbeat };
    }
    case 'RebootVm':
      await d.rebootVm(c.instanceName);
      return {};
    case 'DestroyVm':
      await d.destroyVm(c.instanceName);
      // Sent on expunge only: the claim files would otherwise outlive every VM ever run.
      await ctx.release?.(c.instanceName);
      return {};
    case 'MigrateVm':
      return { vm: await d.migrateOut(c.instanceName, c.target, ctx.progress) };
    case 'GetVmSpec':
      return { vm: d.vmSpec && d.prepareMigrateIn ? await d.vmSpec(c.instanceName) : null };
    case 'PrepareMigration':
      if (!d.prepareMigrateIn) throw new Error('This host cannot receive a live migration');
      return { target: await d.prepareMigrateIn(c.vm) };
    case 'AbortMigration':
      await d.abortMigrateIn?.(c.instanceName);
      return {};
    case 'GetVncPort':
      return { host: '127.0.0.1', port: d.vncPort ? await d.vncPort(c.instanceName) : null };
    case 'ReceiveVm': {
      // Claimed once the guest runs here (the source's copy has quit): not before, or a cut-off
      // source would kill a guest whose migration is still under way. The claim is staged while
      // the memory arrives, so only its renames are left once the guest runs.
      const staged = ctx.stageClaim?.(c.vm.instanceName);
      try {
        await d.migrateIn(c.vm, c.live === true);
      } catch (e) {
        await (await staged)?.abandon();
        throw e;
      }
      await (await staged)?.commit();
      return {};
    }
    case 'AttachIso':
      await d.attachIso(c.instanceName, c.isoPath ?? null);
      return {};
    case 'DetachIso':
      await d.attachIso(c.instanceName, null);
      return {};
    case 'AttachVolume':
      await d.attachVolume(c.instanceName, c.disk);
      return {};
    case 'DetachVolume':
      await d.detachVolume(c.instanceName, c.volumeUuid);
      return {};
    case 'CreateVolume':
      return { ...(await d.createVolume({ volumeUuid: c.volumeUuid, poolPath: c.poolPath, size: c.size, templatePath: c.templatePath })) };
    case 'DeleteVolume':
      await d.deleteVolume(c.volumeUuid, c.path ?? null);
      return {};
    case 'ResizeVolume':
      return { ...(await d.resizeVolume({ volumeUuid: c.volumeUuid, path: c.path, size: c.size, instanceName: c.instanceName })) };
    case 'MigrateVolume':
      return { ...(await d.migrateVolume({ volumeUuid: c.volumeUuid, path: c.path, destPoolPath: c.destPoolPath, instanceName: c.instanceName })) };
    case 'CopyVolume':
      return { ...(await d.copyVolume({ volumeUuid: c.volumeUuid, path: c.path, destPath: c.destPath })) };
    case 'GetVolumeStats':
      return { volumes: await d.volumeStats(c.volumeUuids) };
    case 'Snapshot':
      return { ...(await d.snapshot(c)) };
    case 'BackupSnapshot':
      return { ...(await d.backupSnapshot(c)) };
    case 'DeleteSnapshot':
      await d.deleteSnapshot(c.path);
      return {};
    case 'CreateVolumeFromSnapshot':
      return { ...(await d.createVolumeFromSnapshot(c)) };
    case 'CreateTemplate':
      return { ...(await d.createTemplate(c)) };
    case 'GetVmStats':
      return { stats: await d.vmStats(c.instanceNames) };
    case 'GetStats': {
      const vms = await d.vmStats();
      return { host: d.hostStats ? await d.hostStats() : await hostStatsFromVms(d, vms), vms };
    }
    case 'GetVmStates':
      return { vms: await d.vmStates() };
    case 'GetHostInfo':
      return { info: await d.hostInfo() };
    case 'ApplySecurityGroupRules':
      return { ...(await d.applySecurityGroupRules(c.ruleSet)) };
    case 'GetSecurityGroupRules':
      return { ruleSets: await d.securityGroupRules(c.instanceName) };
    case 'ApplyRouterConfig':
      return { ...(await d.applyRouterConfig(c.instanceName, c.document)) };
    case 'GetRouterNetworkStats':
      if (!d.routerNetworkStats) throw new Error('This host cannot count router traffic');
      return { counters: await d.routerNetworkStats(c.instanceNames) };
    case 'OpenConsole': {
      if (!ctx.openConsole) throw new Error('this agent cannot relay consoles');
      if (!d.consoleAddress) throw new Error('this host\'s driver has no VM console yet');
      await ctx.openConsole(c.channel, await d.consoleAddress(c.instanceName), c.dialBack);
      return {};
    }
    case 'QuerySimulator':
      if (!(d instanceof SimulatorDriver)) throw new Error('not a simulator host');
      return { ...d.query(c.instanceName) };
    case 'ConfigureSimulator':
      if (!(d instanceof SimulatorDriver)) throw new Error('not a simulator host');
      d.configure(c.mocks);
      return {};
    case 'CleanupSimulator':
      if (!(d instanceof SimulatorDriver)) throw new Error('not a simulator host');
      d.cleanup(c.ids);
      return {};
    default: {
      const never: never = c;
      throw new Error(`Unsupported command ${(never as { type: string }).type}`);
    }
  }
}

/**
 * A driver that cannot measure its host is described by its running VMs: memory and network
 * are their sums; CPU counts each VM's percentage as one core's worth (VmStats carries no vCPU
 * count), against the host's cores, so it never overstates a host.
 */
export async function hostStatsFromVms(d: HypervisorDriver, vms: VmStats[]): Promise<HostStats> {
  const info = await d.hostInfo();
  let cpu = 0;
  let memKiB = 0;
  let rx = 0;
  let tx = 0;
  for (const v of vms) {
    cpu += v.cpuUsedPercent;
    memKiB += v.memoryKiB;
    rx += v.networkReadKiB;
    tx += v.networkWriteKiB;
  }
  return { cpuUsedPercent: Math.min(100, cpu / Math.max(1, info.cpus)), memoryUsed: Math.min(info.memory, memKiB * 1024), networkReadKiB: rx, networkWriteKiB: tx };
}
