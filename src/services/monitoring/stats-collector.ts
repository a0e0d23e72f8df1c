/**
 * The statistics collector (CloudStack's StatsCollector): every `vm.stats.interval` ms each
 * host connected to this management server is asked once (`GetStats`, at most 64 in flight,
 * each bounded by `stats.timeout`) for its own use and its running VMs'. The answers of a
 * round are written together: hosts' latest figures replace the previous ones, VM samples are
 * appended to `vm_stats` in multi-row INSERTs, so a round over thousands of hosts costs a
 * few statements rather than one per VM. Samples older than `vm.stats.max.retention.time`
 * minutes are deleted after each round (0 or less keeps everything, as CloudStack) — in a farm
 * only by the server holding the `stats-prune` scheduler lease (`mayPrune`): every server
 * collects from its own hosts, but one cleanup of the shared table is enough.
 */
import type { Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { VmStatsTable } from '../../db/schema/stats.js';
import type { Db } from '../../db/dialect.js';
import type { HostStats } from '../../protocol/messages.js';
import type { VmStats } from '../../drivers/driver.js';
import type { AgentManager } from '../../agents/agent-manager.js';
import type { ConfigService } from '../config/config.service.js';

/** Rows per INSERT: 14 columns × 400 stays far below every dialect's bound-parameter limit. */
const BATCH = 400;
const CONCURRENCY = 64;

export interface CollectResult {
  hosts: number;
  vms: number;
  failed: number;
  pruned: number;
  ms: number;
}

const int = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : 0);
const optInt = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : null);
/** Percent → hundredths of a percent, clamped to 0..100 %. */
const hundredths = (n: unknown) => Math.min(10_000, int(typeof n === 'number' ? n * 100 : 0));

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class StatsCollector {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<CollectResult> | undefined;
  /** The last round's figures (for the log and tests). */
  last: CollectResult | undefined;

  constructor(
    private readonly db: Db, private readonly agents: AgentManager, private readonly config: ConfigService, private readonly log: Logger,
    private readonly mayPrune: () => Promise<boolean> = async () => true,
  ) {}

  start(): void {
    let lastRound = Date.now();
    const next = () => {
      if (this.stopped) return;
      (this.timer = setTimeout(() => void check().finally(next), 1000)).unref();
    };
    // The interval is read every second, so an operator's change applies without a restart.
    const check = async () => {
      const every = Math.max(200, (await this.config.getNumber('vm.stats.interval').catch(() => 60_000)) || 60_000);
      if (Date.now() - lastRound < every) return;
      lastRound = Date.now();
      await this.collect().catch((err) => this.log.warn({ err }, 'statistics round failed'));
    };
    next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round (rounds never overlap: a call during a round waits for it). */
  collect(now?: number): Promise<CollectResult> {
    if (this.running) return this.running;
    const p = this.round(now).finally(() => (this.running = undefined));
    this.running = p;
    return p;
  }

  private async round(at?: number): Promise<CollectResult> {
    const t0 = Date.now();
    const hostIds = this.agents.connectedHostIds();
    const timeoutMs = Math.max(1000, (await this.config.getNumber('stats.timeout').catch(() => 60_000)) || 60_000);
    const hosts: Array<{ hostId: number; host: HostStats; vms: VmStats[] }> = [];
    let failed = 0;
    let i = 0;
    const worker = async () => {
      while (i < hostIds.length) {
        const hostId = hostIds[i++]!;
        const a = await this.agents.send(hostId, { type: 'GetStats' }, { timeoutMs }).catch(() => undefined);
        if (!a?.result || typeof a['host'] !== 'object' || !Array.isArray(a['vms'])) {
          failed++;
          continue;
        }
        hosts.push({ hostId, host: a['host'] as HostStats, vms: a['vms'] as VmStats[] });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, hostIds.length) }, worker));
    const now = at ?? Date.now();
    const vms = await this.write(hosts, now);
    const pruned = (await this.mayPrune()) ? await this.prune(now) : 0;
    const r = { hosts: hosts.length, vms, failed, pruned, ms: Date.now() - t0 };
    this.last = r;
    if (failed) this.log.info(r, 'statistics round: some hosts did not answer');
    return r;
  }

  /** Writes a round; returns the VM samples kept (those of VMs the server places on the reporting host). */
  private async write(hosts: Array<{ hostId: number; host: HostStats; vms: VmStats[] }>, now: number): Promise<number> {
    if (!hosts.length) return 0;
    const k = this.db.kysely;
    // A VM is attributed only to the host the server has it on: a stale copy elsewhere is not its load.
    const vmIds = new Map<string, number>();
    for (const part of chunks(hosts.filter((h) => h.vms.length).map((h) => h.hostId), BATCH)) {
      const rows = await k.selectFrom('vm_instances').select(['id', 'host_id', 'instance_name']).where('host_id', 'in', part).where('removed', 'is', null).execute();
      for (const r of rows) vmIds.set(`${r.host_id}/${r.instance_name}`, r.id);
    }
    const vmRows: Insertable<VmStatsTable>[] = [];
    for (const h of hosts) {
      for (const s of h.vms) {
        const id = vmIds.get(`${h.hostId}/${s.instanceName}`);
        if (id === undefined) continue;
        vmRows.push({
          vm_id: id, host_id: h.hostId, timestamp: now, cpu_used: hundredths(s.cpuUsedPercent), memory_kbs: int(s.memoryKiB),
          memory_int_free_kbs: optInt(s.memoryIntFreeKiB), memory_target_kbs: optInt(s.memoryTargetKiB), network_read_kbs: int(s.networkReadKiB),
          network_write_kbs: int(s.networkWriteKiB), disk_read_kbs: int(s.diskReadKiB), disk_write_kbs: int(s.diskWriteKiB),
          disk_read_ios: optInt(s.diskReadIOs), disk_write_ios: optInt(s.diskWriteIOs),
        });
      }
    }
    const hostRows = hosts.map((h) => ({
      host_id: h.hostId, timestamp: now, cpu_used: hundredths(h.host.cpuUsedPercent), memory_used: int(h.host.memoryUsed),
      network_read_kbs: int(h.host.networkReadKiB), network_write_kbs: int(h.host.networkWriteKiB), cpu_load_average: optInt(h.host.cpuLoadAverage === undefined ? undefined : h.host.cpuLoadAverage * 100),
    }));
    await k.transaction().execute(async (trx) => {
      for (const part of chunks(hostRows, BATCH)) {
        await trx.deleteFrom('host_stats').where('host_id', 'in', part.map((r) => r.host_id)).execute();
        await trx.insertInto('host_stats').values(part).execute();
      }
      for (const part of chunks(vmRows, BATCH)) await trx.insertInto('vm_stats').values(part).execute();
    });
    return vmRows.length;
  }

  /** Deletes VM samples older than the retention; returns how many went. */
  async prune(now = Date.now()): Promise<number> {
    const minutes = await this.config.getNumber('vm.stats.max.retention.time').catch(() => 720);
    if (!(minutes > 0)) return 0;
    const r = await this.db.kysely.deleteFrom('vm_stats').where('timestamp', '<', now - minutes * 60_000).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  }
}
