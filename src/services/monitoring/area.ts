/**
 * The monitoring area (issue #9, "Manageability"): the statistics collector that asks every
 * connected agent for host and VM use each `vm.stats.interval`, keeps VM history for
 * `vm.stats.max.retention.time`, and `services.stats` to read it (listVirtualMachines
 * details=stats, listHosts, the list*Metrics commands).
 */
import type { Area } from '../../area.js';
import { StatsCollector } from './stats-collector.js';
import { StatsService } from './stats.service.js';

export interface MonitoringServices {
  stats: StatsService;
}

export const MONITORING_AREA: Area = {
  name: 'monitoring',
  async create({ db, services, logger }) {
    const collector = new StatsCollector(db, services.agents, services.config, logger.child({ area: 'monitoring' }), () => services.leases.holds('stats-prune'));
    return {
      services: { stats: new StatsService(db, collector) },
      lifecycle: {
        async start() {
          collector.start();
        },
        async stop() {
          await collector.stop();
        },
      },
    };
  },
};
