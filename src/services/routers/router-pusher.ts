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
    const rows = await this.running().where('r.network_id', '=', networkId).execute();
    if (rows.length === 0) return 'none';
    const r = (await this.pushRouters(rows, force, 1))[0]!;
    if (r.outcome === 'failed') throw r.error;
    return r.outcome;
  }

  /**
   * Every running router (of one host when given): documents rendered BATCH routers at a time
   * (a few queries per batch, never per router), sent `concurrency` at a time, and the
   * acknowledged versions written back in one transaction per batch.
   */
  async pushAll(opts: { hostId?: number; force?: boolean; concurrency?: number } = {}): Promise<PushResult> {
    let q = this.running();
    if (opts.hostId !== undefined) q = q.where('v.host_id', '=', opts.hostId);
    const rows = await q.orderBy('r.network_id').execute();
    const out: PushResult = { pushed: 0, skipped: 0, failed: 0 };
    for (let i = 0; i < rows.length; i += BATCH) {
      for (const r of await this.pushRouters(rows.slice(i, i + BATCH), opts.force ?? true, opts.concurrency ?? 32)) {
        if (r.outcome === 'pushed') out.pushed++;
        else if (r.outcome === 'failed') out.failed++;
        else out.skipped++;
      }
    }
    return out;
  }

  private running() {
    return this.k.selectFrom('domain_routers as r').innerJoin('vm_instances as v', 'v.id', 'r.vm_id')
      .select(['r.vm_id', 'r.network_id', 'r.applied_version', 'v.instance_name', 'v.host_id'])
      .where('r.removed', 'is', null).where('v.removed', 'is', null).where('v.state', '=', 'Running').where('v.host_id', 'is not', null);
  }

  private async pushRouters(rows: RouterRow[], force: boolean, concurrency: number): Promise<Outcome[]> {
    const docs = await this.services.networks.routerDocuments(rows.map((r) => r.network_id));
    const out: Outcome[] = [];
    const acked: Array<{ vmId: number; version: string }> = [];
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const r = rows[next++]!;
        const doc = docs.get(r.network_id);
        if (!doc) {
          out.push({ networkId: r.network_id, outcome: 'none' });
          continue;
        }
        const version = documentVersion(doc);
        if (!force && r.applied_version === version) {
          out.push({ networkId: r.network_id, outcome: 'skipped' });
          continue;
        }
        try {
          const a = await agentSend(this.services, r.host_id!, { type: 'ApplyRouterConfig', instanceName: r.instance_name, document: doc });
          if (a['version'] !== version) throw new Error(`router ${r.instance_name} applied version ${String(a['version'])}, expected ${version}`);
          acked.push({ vmId: r.vm_id, version });
          this.lastError.delete(r.network_id);
          out.push({ networkId: r.network_id, outcome: 'pushed' });
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          this.lastError.set(r.network_id, error.message);
          out.push({ networkId: r.network_id, outcome: 'failed', error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, rows.length)) }, worker));
    if (acked.length > 0) {
      const now = Date.now();
      await this.k.transaction().execute(async (trx) => {
        for (const a of acked) await trx.updateTable('domain_routers').set({ applied_version: a.version, applied_at: now }).where('vm_id', '=', a.vmId).execute();
      });
    }
    return out;
  }
}

/** Routers per render batch (RouterDocumentService loads them with one query per table). */
const BATCH = 250;

interface RouterRow { vm_id: number; network_id: number; applied_version: string | null; instance_name: string; host_id: number | null }

type Outcome = { networkId: number; outcome: 'pushed' | 'skipped' | 'none' } | { networkId: number; outcome: 'failed'; error: Error };
