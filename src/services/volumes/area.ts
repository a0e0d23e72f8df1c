/**
 * Data volumes (issue #6): the volume service; an account being deleted loses its detached
 * volumes (its VMs, expunged by the VM area's hook first, leave theirs detached).
 */
import type { Area } from '../../area.js';
import { VolumeService } from './volume.service.js';

export interface VolumesServices {
  /** createVolume/attach/detach/delete/resize/migrate and their rules. */
  volumes: VolumeService;
}

export const VOLUMES_AREA: Area = {
  name: 'volumes',
  async create({ db, services }) {
    const volumes = new VolumeService(db, services);
    services.accounts.addCleanupHook((accountId, caller) => volumes.forgetAccount(caller, accountId));
    return { services: { volumes } };
  },
};
