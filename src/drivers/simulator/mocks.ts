/**
 * Fault injection for the simulator (CloudStack's mock configuration): rules per host, each
 * for one operation, `value` = `key:value|…` with `result:fail|fault`, `wait:<ms>`,
 * `rate:<0..1>` (the result applies to that share of calls, at random), `enabled:false`,
 * `written:<bytes>` (a snapshot: what the guest wrote to the disk since the previous one),
 * `sent:<bytes>`/`received:<bytes>` (NetworkUsageCommand: a router's traffic in this sample),
 * `pool:<uuid>` (StoragePoolOutage: the primary pool the host loses; absent = every pool);
 * `count` uses (null = until cleaned up).
 */
import type { SimulatorMock } from '../../protocol/messages.js';

/** CloudStack command class names → agent command types. */
const ALIASES: Record<string, string> = {
  StartCommand: 'StartVm', StopCommand: 'StopVm', RebootCommand: 'RebootVm', MigrateCommand: 'MigrateVm', PrepareForMigrationCommand: 'ReceiveVm',
  AttachIsoCommand: 'AttachIso', AttachCommand: 'AttachVolume', DettachCommand: 'DetachVolume', CreateCommand: 'CreateVolume',
  DestroyCommand: 'DeleteVolume', CreateObjectCommand: 'CreateVolume', DeleteCommand: 'DeleteVolume', CopyCommand: 'CreateVolume',
  ResizeVolumeCommand: 'ResizeVolume', MigrateVolumeCommand: 'MigrateVolume', CopyVolumeCommand: 'CopyVolume', GetVolumeStatsCommand: 'GetVolumeStats',
  CreateSnapshotCommand: 'Snapshot', BackupSnapshotCommand: 'BackupSnapshot', DeleteSnapshotBackupCommand: 'DeleteSnapshot',
  CreateVolumeFromSnapshotCommand: 'CreateVolumeFromSnapshot', CreatePrivateTemplateFromSnapshotCommand: 'CreateTemplate',
  CreatePrivateTemplateFromVolumeCommand: 'CreateTemplate', GetVmStatsCommand: 'GetVmStats', GetHostStatsCommand: 'GetStats', ClusterVMMetaDataSyncCommand: 'GetVmStates', PingCommand: 'Ping',
  PingRoutingCommand: 'Ping', CheckOnHostCommand: 'CheckHost', CheckHealthCommand: 'Ping', ReadyCommand: 'GetHostInfo', SecurityGroupRulesCmd: 'ApplySecurityGroupRules',
  NetworkUsageCommand: 'GetRouterNetworkStats',
};

export function operationOf(name: string): string {
  return ALIASES[name] ?? name;
}

export interface MockEffect {
  waitMs: number;
  fail: string | null;
  /** Bytes the guest wrote to the disk before this snapshot (`written:`), null = the default. */
  written: number | null;
  /** A router's traffic in this sample (`sent:`, `received:`), null = the default. */
  traffic: { sent: number; received: number } | null;
}

export interface ParsedValue {
  enabled: boolean;
  waitMs: number;
  result: 'fail' | 'fault' | null;
  /** Share of matching calls that get `result` (1 = every call). */
  rate: number;
  written: number | null;
  sent: number | null;
  received: number | null;
  /** StoragePoolOutage: the pool's uuid (null = every pool the host uses). */
  pool: string | null;
}

/** Parses `result:fail|wait:100`; throws on an unknown key or a bad number. */
export function parseMockValue(value: string): ParsedValue {
  const out: ParsedValue = { enabled: true, waitMs: 0, result: null, rate: 1, written: null, sent: null, received: null, pool: null };
  for (const part of value.split('|').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf(':');
    const k = (i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    const v = i < 0 ? '' : part.slice(i + 1).trim();
    if (k === 'enabled') out.enabled = v.toLowerCase() !== 'false';
    else if (k === 'wait' || k === 'timeout') {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`Invalid ${k} value ${v}`);
      out.waitMs = k === 'wait' ? n : out.waitMs;
    } else if (k === 'rate') {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`Invalid rate value ${v}; use a number from 0 to 1`);
      out.rate = n;
    } else if (k === 'written' || k === 'sent' || k === 'received') {
      const n = Number(v);
      if (v === '' || !Number.isSafeInteger(n) || n < 0) throw new Error(`Invalid ${k} value ${v}; use a number of bytes`);
      out[k] = n;
    } else if (k === 'pool') {
      if (!/^[0-9a-f-]{8,64}$/i.test(v)) throw new Error(`Invalid pool value ${v}; use the storage pool's id`);
      out.pool = v.toLowerCase();
    } else if (k === 'result') {
      const r = v.toLowerCase();
      if (r !== 'fail' && r !== 'fault' && r !== 'success') throw new Error(`Invalid result ${v}; use fail, fault or success`);
      out.result = r === 'success' ? null : r;
    } else throw new Error(`Unknown simulator mock key ${k}`);
  }
  return out;
}

/** The rules of one host; `take` consumes one use of the first matching rule. */
export class MockBook {
  /** Injectable for tests that need a repeatable sequence. */
  constructor(private readonly random: () => number = Math.random) {}

  private rules: Array<SimulatorMock & { op: string; parsed: ParsedValue }> = [];

  set(mocks: SimulatorMock[]): void {
    for (const m of mocks) {
      this.rules = this.rules.filter((r) => r.id !== m.id);
      this.rules.push({ ...m, op: operationOf(m.name), parsed: parseMockValue(m.value) });
    }
  }

  clear(ids?: number[]): void {
    this.rules = ids ? this.rules.filter((r) => !ids.includes(r.id)) : [];
  }

  get size(): number {
    return this.rules.length;
  }

  /**
   * A standing condition rather than a call: true while an enabled rule for `op` matches (its
   * `pool` is `pool` or unset). Uses no `count`: the condition lasts until the rule is cleaned up.
   */
  holds(op: string, pool: string): boolean {
    return this.rules.some((r) => r.op === op && r.parsed.enabled && (r.parsed.pool === null || r.parsed.pool === pool.toLowerCase()));
  }

  take(op: string): MockEffect | null {
    const r = this.rules.find((x) => x.op === op && x.parsed.enabled && (x.count === null || x.count > 0));
    if (!r) return null;
    if (r.count !== null) r.count--;
    const hit = r.parsed.rate >= 1 || this.random() < r.parsed.rate;
    const traffic = r.parsed.sent === null && r.parsed.received === null ? null : { sent: r.parsed.sent ?? 0, received: r.parsed.received ?? 0 };
    return { waitMs: r.parsed.waitMs, written: r.parsed.written, traffic, fail: r.parsed.result === null || !hit ? null : r.parsed.result === 'fault' ? 'Simulated fault' : 'Simulated failure' };
  }
}
