/**
 * Pushes each router's declarative document to its host after every committed change of its
 * network (NetworkNotifier), coalescing bursts: at most one push per network is in flight, and
 * changes arriving meanwhile cause exactly one more. A document whose version equals what the
 * host last acknowledged is not sent again. After a management-server restart (and when a
 * host reconnects) every running router is pushed regardless, since the agent may have lost it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import { documentVersion } from '../../drivers/router-version.js';
import type { Services } from '../index.js';
import { agentSend } from '../vms/agent-port.js';

interface Logger { warn(o: object, msg: string): void }

export interface PushResult { pushed: number; skipped: number; failed: number }

export class RouterPusher {
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  /** Last push outcome per network (diagnostics and tests). */
  readonly lastError = new Map<number, string>();

  constructor(private readonly k: Kysely<Database>, private readonly services: Services, private readonly log: Logger) {}

  /** Schedules a push of the network's router; resolves when the network's pushes have settled. */
  changed(networkId: number): Promise<void> {
    const cur = this.inFlight.get(networkId);
    if (cur) {
      this.again.add(networkId);
      return cur;
    }
    const run = (async () => {
      // Let the rest of the burst (same tick) land first.
      await new Promise((r) => setImmediate(r));
      do {
        this.again.delete(networkId);
        await this.pushNetwork(networkId, false).catch((err) => {
          this.lastError.set(networkId, err instanceof Error ? err.message : String(err));
          this.log.warn({ err, networkId }, 'pushing the router document failed');
        });
      } while (this.again.has(networkId));
    })().finally(() => this.inFlight.delete(networkId));
    this.inFlight.set(networkId, run);
    return run;
  }

  /** Renders and sends one network's document to its running router; `force` ignores the acknowledged version. */
  async pushNetwork(networkId: number, force: boolean): Promise<'pushed' | 'skipped' | 'none'> {
    const r = await this.k.selectFrom('domain_routers as r').innerJoin('vm_instances as v', 'v.id', 'r.vm_id')
      .select(['r.vm_id', 'r.applied_version', 'v.instance_name', 'v.host_id', 'v.state'])
      .where('r.network_id', '=', networkId).where('r.removed', 'is', null).executeTakeFirst();
    if (!r || r.state !== 'Running' || r.host_id === null) return 'none';
    const doc = await this.services.networks.routerDocument(networkId);
    const version = documentVersion(doc);
    if (!force && r.applied_version === version) return 'skipped';
    const a = await agentSend(this.services, r.host_id, { type: 'ApplyRouterConfig', instanceName: r.instance_name, document: doc });
    if (a['version'] !== version) throw new Error(`router ${r.instance_name} applied version ${String(a['version'])}, expected ${version}`);
    await this.k.updateTable('domain_routers').set({ applied_version: version, applied_at: Date.now() }).where('vm_id', '=', r.vm_id).execute();
    this.lastError.delete(networkId);
    return 'pushed';
  }

  /** Every running router (of one host when given), `concurrency` at a time. */
  async pushAll(opts: { hostId?: number; force?: boolean; concurrency?: number } = {}): Promise<PushResult> {
    let q = this.k.selectFrom('domain_routers as r').innerJoin('vm_instances as v', 'v.id', 'r.vm_id').select('r.network_id')
      .where('r.removed', 'is', null).where('v.state', '=', 'Running');
    if (opts.hostId !== undefined) q = q.where('v.host_id', '=', opts.hostId);
    const ids = (await q.orderBy('r.network_id').execute()).map((x) => x.network_id);
    const out: PushResult = { pushed: 0, skipped: 0, failed: 0 };
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        try {
          const r = await this.pushNetwork(id, opts.force ?? true);
          if (r === 'pushed') out.pushed++;
          else out.skipped++;
        } catch (err) {
          out.failed++;
          this.lastError.set(id, err instanceof Error ? err.message : String(err));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 16) }, worker));
    return out;
  }
}
