/**
 * Network bytes sent/received come from counters on the virtual routers (CloudStack's
 * user_statistics). A counter source (the router/agent side) reports cumulative counters;
 * this turns them into deltas stamped with the sample time, which the usage job sums per
 * period. A counter lower than the last one seen means the router restarted: the new value is
 * all new traffic.
 */
import type { Db } from '../../db/dialect.js';

export interface RouterCounterSample {
  /** Identifies one counter pair (e.g. the router's public NIC) across samples. */
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

/** What routers (or agents reporting for them) implement to feed network usage. */
export interface NetworkCounterSource {
  onCounters(listener: (samples: RouterCounterSample[]) => void): void;
}

export class NetworkUsageRecorder {
  constructor(private readonly db: Db) {}

  async record(samples: RouterCounterSample[]): Promise<void> {
    for (const s of samples) {
      await this.db.kysely.transaction().execute(async (trx) => {
        const last = await trx.selectFrom('usage_network_counters').selectAll().where('counter_key', '=', s.key).executeTakeFirst();
        const sent = last && s.sent >= Number(last.sent) ? s.sent - Number(last.sent) : s.sent;
        const received = last && s.received >= Number(last.received) ? s.received - Number(last.received) : s.received;
        if (last) await trx.updateTable('usage_network_counters').set({ sent: s.sent, received: s.received, updated: s.at }).where('id', '=', last.id).execute();
        else await trx.insertInto('usage_network_counters').values({ counter_key: s.key, sent: s.sent, received: s.received, updated: s.at }).execute();
        if (sent > 0 || received > 0) {
          await trx.insertInto('usage_network_bytes').values({ account_id: s.accountId, domain_id: s.domainId, zone_uuid: s.zoneUuid, network_uuid: s.networkUuid, at_ms: s.at, sent, received }).execute();
        }
      });
    }
  }
}
