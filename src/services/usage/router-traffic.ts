/**
 * Router traffic → network usage (CloudStack's NetworkUsageTask, run every
 * `router.stats.interval` seconds): asks each host for the byte counters of its running routers
 * (`GetRouterNetworkStats`) and records them, keyed by router and boot. The traffic is the
 * network owner's: routers of isolated networks (the ones with a source NAT address) are
 * counted. A router is also sampled right before it stops or reboots (CloudStack's
 * prepareStop), so the traffic since the last tick is not lost with its counters.
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/dialect.js';
import type { RouterTrafficCounter } from '../../protocol/messages.js';
import type { Services } from '../index.js';
import type { NetworkUsageRecorder, RouterCounterSample } from './network-counters.js';

export class RouterTrafficCollector {
  /** Milliseconds since the epoch for the samples; tests replace it. */
  clock: () => number = () => Date.now();

  constructor(private readonly db: Db, private readonly services: Services, private readonly recorder: NetworkUsageRecorder, private readonly log?: Logger) {}

  /** Samples every running router (or the ones named); returns how many counters were recorded. */
  async collect(routerVmIds?: number[]): Promise<number> {
    if (routerVmIds?.length === 0) return 0;
    let q = this.db.kysely.selectFrom('domain_routers as r').innerJoin('vm_instances as v', 'v.id', 'r.vm_id').innerJoin('networks as n', 'n.id', 'r.network_id')
      .innerJoin('zones as z', 'z.id', 'v.zone_id')
      .select(['v.uuid', 'v.instance_name', 'v.host_id', 'v.account_id', 'v.domain_id', 'z.uuid as zone_uuid', 'n.uuid as network_uuid'])
      .where('r.removed', 'is', null).where('v.removed', 'is', null).where('v.state', '=', 'Running').where('v.host_id', 'is not', null).where('r.public_ip_id', 'is not', null);
    if (routerVmIds) q = q.where('r.vm_id', 'in', routerVmIds);
    const routers = await q.execute();
    const byHost = new Map<number, typeof routers>();
    for (const r of routers) byHost.set(r.host_id!, [...(byHost.get(r.host_id!) ?? []), r]);
    let recorded = 0;
    for (const [hostId, list] of byHost) {
      const at = this.clock();
      let counters: RouterTrafficCounter[];
      try {
        const a = await this.services.agents.send(hostId, { type: 'GetRouterNetworkStats', instanceNames: list.map((r) => r.instance_name) }, { timeoutMs: 30_000 });
        if (!a.result) {
          this.log?.debug({ hostId, details: a.details }, 'host reports no router traffic');
          continue;
        }
        counters = (a['counters'] ?? []) as RouterTrafficCounter[];
      } catch (err) {
        this.log?.warn({ err, hostId }, 'router traffic not collected from host; the next sample catches up');
        continue;
      }
      const byName = new Map(list.map((r) => [r.instance_name, r]));
      const samples: RouterCounterSample[] = [];
      for (const c of counters) {
        const r = byName.get(c.instanceName);
        if (!r || !(Number.isSafeInteger(c.sent) && c.sent >= 0 && Number.isSafeInteger(c.received) && c.received >= 0)) continue;
        samples.push({ key: `${r.uuid}/${String(c.bootId).slice(0, 80)}`, accountId: r.account_id, domainId: r.domain_id, zoneUuid: r.zone_uuid, networkUuid: r.network_uuid, sent: c.sent, received: c.received, at });
      }
      await this.recorder.record(samples);
      recorded += samples.length;
    }
    return recorded;
  }
}
