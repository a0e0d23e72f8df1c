/**
 * Network bytes sent/received come from counters on the virtual routers (CloudStack's
 * user_statistics). Routers report cumulative counters; this turns them into deltas stamped
 * with the sample time (`usage_network_bytes`), which the usage job sums per period. The last
 * value seen per counter is kept in `usage_network_counters`. A router's counters start from
 * zero when it boots: the collector keys them by router and boot, so a restarted router opens a
 * new counter row and all its traffic counts; a counter lower than the last one seen under the
 * same key (a driver without boot ids whose counters were reset) is taken, as CloudStack does,
 * as all new traffic.
 */
import type { Db } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';

export interface RouterCounterSample {
  /** Identifies one counter pair (a router's public interface during one boot) across samples. */
  key: string;
  accountId: number;
  domainId: number;
  zoneUuid: string | null;
  networkUuid: string;
  /** Cumulative bytes since the counter started. */
  sent: number;
  received: number;
  at: number;
}

/** Deadlocks, serialization failures and a lost race to insert the same new counter row. */
function isRetryable(e: unknown): boolean {
  const x = e as { code?: unknown; errno?: unknown };
  return x?.errno === 1213 || x?.errno === 1062 || x?.code === '40001' || x?.code === '40P01' || x?.code === '23505' || x?.code === 'SQLITE_BUSY';
}

export class NetworkUsageRecorder {
  /** Samples are recorded one batch at a time in this process, so an older sample never lands after a newer one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Db) {}

  record(samples: RouterCounterSample[]): Promise<void> {
    const run = this.queue.then(() => this.write(samples));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** One transaction per batch; each counter row is locked while its delta is computed. */
  private async write(samples: RouterCounterSample[]): Promise<void> {
    if (samples.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.kysely.transaction().execute(async (trx) => {
          for (const s of samples) {
            const last = await forUpdate(trx.selectFrom('usage_network_counters').selectAll().where('counter_key', '=', s.key), this.db.dialect).executeTakeFirst();
            const sent = last && s.sent >= Number(last.sent) ? s.sent - Number(last.sent) : s.sent;
            const received = last && s.received >= Number(last.received) ? s.received - Number(last.received) : s.received;
            if (last) await trx.updateTable('usage_network_counters').set({ sent: s.sent, received: s.received, updated: s.at }).where('id', '=', last.id).execute();
            else await trx.insertInto('usage_network_counters').values({ counter_key: s.key, sent: s.sent, received: s.received, updated: s.at }).execute();
            if (sent > 0 || received > 0) {
              await trx.insertInto('usage_network_bytes').values({ account_id: s.accountId, domain_id: s.domainId, zone_uuid: s.zoneUuid, network_uuid: s.networkUuid, at_ms: s.at, sent, received }).execute();
            }
          }
        });
        return;
      } catch (e) {
        if (attempt >= 5 || !isRetryable(e)) throw e;
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  }
}
