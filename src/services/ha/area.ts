/**
 * The HA area (issue #9): administrator alerts with SMTP e-mail (`services.alerts`), the
 * alert monitor (lost hosts, capacity thresholds), host maintenance (`services.maintenance`)
 * host-failure investigation with VM HA (`services.ha`) and primary storage outages
 * (`services.storageOutages`).
 * Built after the VM area, whose live migration maintenance uses.
 */
import type { Area } from '../../area.js';
import { AlertService } from './alert.service.js';
import { Mailer } from './mailer.js';
import { HostMaintenanceService } from './maintenance.service.js';
import { AlertMonitor } from './monitor.js';
import { HaWorker } from './ha-worker.js';
import { StorageOutages } from './storage-outage.js';

export interface HaServices {
  alerts: AlertService;
  alertMonitor: AlertMonitor;
  maintenance: HostMaintenanceService;
  ha: HaWorker;
  storageOutages: StorageOutages;
}

export const HA_AREA: Area = {
  name: 'ha',
  async create({ db, services, logger }) {
    const log = logger.child({ area: 'ha' });
    const alerts = new AlertService(db, services.config, new Mailer(services.config), log);
    const alertMonitor = new AlertMonitor(db, services, alerts, log);
    const maintenance = new HostMaintenanceService(db, services, alerts, log);
    const storageOutages = new StorageOutages(db, services, alerts, log);
    const ha = new HaWorker(db, services, alerts, log, storageOutages);
    return {
      services: { alerts, alertMonitor, maintenance, ha, storageOutages },
      lifecycle: {
        async start() {
          alertMonitor.start();
          ha.start();
        },
        async stop() {
          await ha.stop();
          await alertMonitor.stop();
        },
      },
    };
  },
};
