/**
 * Data volumes (issue #6): the volume service; an account being deleted loses its detached
 * volumes (its VMs, expunged by the VM area's hook first, leave theirs detached).
 */
import type { Area } from '../../area.js';
import { PoolMaintenance } from './pool-maintenance.js';
import { VolumeService } from './volume.service.js';

export interface VolumesServices {
  /** createVolume/attach/detach/delete and their rules; `ops` resize/migrate/extract. */
  volumes: VolumeService;
  /** enable/cancel storage pool maintenance; `registerVmHandler(type, h)` for routers and system VMs. */
  poolMaintenance: PoolMaintenance;
}

export const VOLUMES_AREA: Area = {
  name: 'volumes',
  async create({ db, services, logger }) {
    const volumes = new VolumeService(db, services);
    const log = logger.child({ area: 'volumes' });
    const poolMaintenance = new PoolMaintenance(db, services, (msg, err) => log.warn({ err }, msg));
    services.accounts.addCleanupHook((accountId, caller) => volumes.forgetAccount(caller, accountId));
    return { services: { volumes, poolMaintenance }, registerRoutes: (http) => volumes.ops.registerRoutes(http) };
  },
};
