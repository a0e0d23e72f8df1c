/**
 * Data volumes (issue #6): the volume service; an account being deleted loses its detached
 * volumes (its VMs, expunged by the VM area's hook first, leave theirs detached).
 */
import type { Kysely } from 'kysely';
import type { Area } from '../../area.js';
import type { Database } from '../../db/schema/index.js';
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
    // updateResourceCount: what createVolume/deploy count and delete/expunge give back (system VMs' disks are not the account's).
    const owned = (accountId: number, exec: Kysely<Database>) => exec.selectFrom('volumes as v').leftJoin('vm_instances as vm', 'vm.id', 'v.vm_id')
      .where('v.account_id', '=', accountId).where('v.removed', 'is', null).where((eb) => eb.or([eb('v.vm_id', 'is', null), eb('vm.type', '=', 'User')]));
    services.limits.registerCounter('volume', async (accountId, exec) =>
      Number((await owned(accountId, exec).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0));
    services.limits.registerCounter('primary_storage', async (accountId, exec) =>
      Number((await owned(accountId, exec).select((eb) => eb.fn.sum<number>('v.size').as('n')).executeTakeFirst())?.n ?? 0));
    return { services: { volumes, poolMaintenance }, registerRoutes: (http) => volumes.ops.registerRoutes(http) };
  },
};
