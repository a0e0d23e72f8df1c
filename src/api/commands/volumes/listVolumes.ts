import { defineCommand, listOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { toVolume, volumeResponse } from '../../responses/volume.js';
import { listVolumes } from '../../../services/volumes/volume-query.js';
import { accountListParams, pageOf, scopeOf } from '../common.js';
import { USER_ROLES } from './volume-common.js';

const ADMIN = ['Admin'] as const;

export default defineCommand({
  name: 'listVolumes',
  description: 'Lists the volumes the caller may see (its own by default).',
  roles: [...USER_ROLES],
  async: false,
  params: {
    ...accountListParams,
    id: p.uuid({ entity: 'Volume', doc: 'The volume' }),
    ids: p.uuidList({ entity: 'Volume', doc: 'These volumes' }),
    name: p.string({ doc: 'Name of the volume' }),
    type: p.string({ doc: 'ROOT or DATADISK' }),
    state: p.string({ doc: 'State of the volume (Allocated, Ready, …)' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'Volumes attached to this VM' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Availability zone' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Volumes on pools of this pod' }),
    clusterid: p.uuid({ entity: 'Cluster', roles: [...ADMIN], doc: 'Volumes on pools of this cluster (root admin)' }),
    hostid: p.uuid({ entity: 'Host', doc: 'Volumes of VMs running on this host (root admin)' }),
    storageid: p.string({ roles: [...ADMIN], doc: 'UUID of the storage pool (root admin)' }),
    diskofferingid: p.uuid({ entity: 'DiskOffering', doc: 'Volumes of this disk offering' }),
    serviceofferingid: p.uuid({ entity: 'ServiceOffering', doc: 'Volumes of VMs of this service offering' }),
    listsystemvms: p.boolean({ roles: [...ADMIN], doc: 'Include the volumes of system VMs (root admin)' }),
  },
  response: listOf(volumeResponse),
  async handler(ctx, params) {
    if (params.hostid !== undefined && ctx.caller.roleType !== 'Admin') throw paramError('Parameter hostid can only be specified by a Root Admin');
    let storageid: number | undefined;
    if (params.storageid !== undefined) {
      const pool = await ctx.services.volumes.db.kysely.selectFrom('storage_pools').select('id').where('uuid', '=', params.storageid).where('removed', 'is', null).executeTakeFirst();
      if (!pool) throw paramError(`Unable to find storage pool with specified id ${params.storageid}`);
      storageid = pool.id;
    }
    const scope = await scopeOf(ctx, params);
    const r = await listVolumes(ctx.services.volumes.db, ctx.services.scoper, scope, { ...params, storageid }, pageOf(ctx, params));
    return { items: r.rows.map((v) => toVolume(v, ctx.caller)), count: r.count };
  },
});
