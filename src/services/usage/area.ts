/**
 * Usage (issue #10): every event about a billable resource updates the usage intervals in the
 * event's own transaction; the usage job (a timer on every management server, or
 * generateUsageRecords) turns them into records per period, each period exactly once.
 */
import type { Area } from '../../area.js';
import { reconcileUsage } from './ledger.js';
import { RESOLVERS } from './resolvers.js';
import { UsageJobService } from './usage-job.service.js';
import { UsageQueryService } from './usage-query.service.js';
import { NetworkUsageRecorder } from './network-counters.js';
import { QuotaService } from './quota.service.js';
import { RouterTrafficCollector } from './router-traffic.js';
import { QuotaCreditService } from './quota-credits.service.js';

export interface UsageServices {
  usageJob: UsageJobService;
  usageQueries: UsageQueryService;
  /** Where router byte counters go. */
  networkUsage: NetworkUsageRecorder;
  /** Samples the routers' byte counters every `router.stats.interval` (and before a router stops). */
  routerTraffic: RouterTrafficCollector;
  /** Quota plugin: tariffs and statements priced from the records. */
  quota: QuotaService;
  /** Quota plugin: credits, and balances computed from them and the priced records. */
  quotaCredits: QuotaCreditService;
}

const TICK_MS = 60_000;

export const USAGE_AREA: Area = {
  name: 'usage',
  async create({ db, services, logger, options }) {
    const log = logger.child({ area: 'usage' });
    const usageJob = new UsageJobService(db, services.config, services.msid, log);
    services.events.observe(async (e, created, exec) => {
      // A job's Started event directly follows its Scheduled one, before the job changes anything:
      // the Scheduled event already reconciled this state (a deploy then saves six statements).
      if (e.state === 'Started') return;
      const resolve = e.resourceType && e.resourceUuid ? RESOLVERS[e.resourceType] : undefined;
      if (resolve) await reconcileUsage(exec, await resolve(exec, e.resourceUuid!), created);
    });

    const quota = new QuotaService(db, services.events);
    const quotaCredits = new QuotaCreditService(db, quota, services.scoper);
    const networkUsage = new NetworkUsageRecorder(db);
    const routerTraffic = new RouterTrafficCollector(db, services, networkUsage, log);
    services.routers.beforeStop = (vmId) => routerTraffic.collect([vmId]).then(() => undefined, (err) => log.warn({ err, vmId }, 'router traffic not sampled before stop'));

    let timer: NodeJS.Timeout | undefined;
    let trafficTimer: NodeJS.Timeout | undefined;
    let sampling = false;
    const sample = async () => {
      if (sampling) return;
      sampling = true;
      try {
        if (await services.leases.holds('router-stats')) await routerTraffic.collect();
      } catch (e) {
        log.warn({ err: e }, 'router traffic sampling failed; it resumes at the next interval');
      } finally {
        sampling = false;
      }
    };
    let running = false;
    const tick = async () => {
      if (running || !(await services.config.getBoolean('enable.usage.server'))) return;
      running = true;
      try {
        // Periods are claimed once per farm anyway; the lease keeps the other servers idle.
        if (!(await services.leases.holds('usage'))) return;
        await usageJob.runDue();
      } catch (e) {
        log.warn({ err: e }, 'usage job failed; it resumes at the next tick');
      } finally {
        running = false;
      }
    };
    const every = Number(options['usageTickMs'] ?? TICK_MS);
    // router.stats.interval is in seconds (CloudStack's default 300); 0 turns sampling off.
    const trafficEvery = Number(options['routerStatsTickMs'] ?? (await services.config.getNumber('router.stats.interval')) * 1000);
    return {
      services: { usageJob, usageQueries: new UsageQueryService(db, services.scoper), networkUsage, routerTraffic, quota, quotaCredits },
      lifecycle: {
        async start() {
          if (trafficEvery > 0) {
            trafficTimer = setInterval(() => void sample(), trafficEvery);
            trafficTimer.unref();
          }
          if (!(every > 0)) return;
          timer = setInterval(() => void tick(), every);
          timer.unref();
        },
        async stop() {
          if (timer) clearInterval(timer);
          if (trafficTimer) clearInterval(trafficTimer);
        },
      },
    };
  },
};
