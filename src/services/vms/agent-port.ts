/**
 * The VM area's view of the agent layer (`services.agents`, built by the agents area). Only
 * `send` and `onVmStateReport` are used; a missing agents service is a 534 at call time.
 */
import { CloudError } from '../../api/errors.js';
import type { Services } from '../index.js';

export type AgentCommand = { type: string } & Record<string, unknown>;

export interface VmStateReport {
  hostId: number;
  /** Hypervisor name of the VM (`i-2-3-VM`). */
  instanceName: string;
  /** 'Running' | 'Stopped' | … as the agent saw it. */
  state: string;
  /** When the agent observed the state (epoch ms). */
  at: number;
}

interface AgentsLike {
  send(hostId: number, cmd: AgentCommand, opts?: { timeoutMs?: number; onProgress?: (percent: number) => void }): Promise<unknown>;
  onVmStateReport?(fn: (...args: any[]) => unknown): unknown;
}

export function agentsOf(services: Services): AgentsLike | undefined {
  return (services as unknown as { agents?: AgentsLike }).agents;
}

/** Sends a command; an answer with `result: false` becomes an error carrying its details. */
export async function agentSend(services: Services, hostId: number, cmd: AgentCommand, opts?: Parameters<AgentsLike['send']>[2]): Promise<Record<string, unknown>> {
  const agents = agentsOf(services);
  if (!agents) throw new CloudError('ResourceUnavailable', 'No agent service is available to reach the host');
  const r = (await agents.send(hostId, cmd, opts)) as Record<string, unknown> | undefined;
  if (r && r['result'] === false) throw new CloudError('ResourceUnavailable', String(r['details'] ?? r['error'] ?? `${cmd.type} failed`));
  return r ?? {};
}

/** Normalises the agent area's report callback arguments into VmStateReports. */
export function toReports(args: unknown[]): VmStateReport[] {
  const now = Date.now();
  const [a, b, c] = args as [any, any, any];
  const one = (hostId: number, r: any, at?: number): VmStateReport | null => {
    const name = r?.instanceName ?? r?.name ?? r?.vmName;
    const state = r?.state ?? r?.powerState;
    if (typeof name !== 'string' || typeof state !== 'string') return null;
    return { hostId: Number(r.hostId ?? hostId), instanceName: name, state: normState(state), at: Number(r.at ?? r.timestamp ?? at ?? now) };
  };
  if (typeof a === 'number' && Array.isArray(b)) return b.map((r) => one(a, r, typeof c === 'number' ? c : undefined)).filter((x): x is VmStateReport => !!x);
  if (typeof a === 'number' && b && typeof b === 'object') {
    if (Array.isArray(b.vms ?? b.states)) return (b.vms ?? b.states).map((r: any) => one(a, r, b.at)).filter((x: any): x is VmStateReport => !!x);
    const r = one(a, b, typeof c === 'number' ? c : undefined);
    return r ? [r] : [];
  }
  if (a && typeof a === 'object') {
    const list = a.vms ?? a.states;
    if (Array.isArray(list)) return list.map((r: any) => one(a.hostId, r, a.at)).filter((x: any): x is VmStateReport => !!x);
    const r = one(a.hostId, a);
    return r ? [r] : [];
  }
  return [];
}

function normState(s: string): string {
  const l = s.toLowerCase();
  if (l === 'poweron' || l === 'running') return 'Running';
  if (l === 'poweroff' || l === 'stopped' || l === 'shutdown' || l === 'missing' || l === 'powerreportmissing') return 'Stopped';
  return s;
}
