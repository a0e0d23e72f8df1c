import { defineCommand, objectOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { volumeResponse } from '../../responses/volume.js';
import { USER_ROLES, volumeWire } from './volume-common.js';

export default defineCommand({
  name: 'createVolume',
  description: 'Creates a data disk from a disk offering (Allocated, on no pool, until first attached unless a VM to attach it to is given) or from a snapshot (restored onto a pool at once).',
  roles: [...USER_ROLES],
  async: 'create',
  event: 'VOLUME.CREATE',
  instanceType: 'Volume',
  params: {
    zoneid: p.uuid({ entity: 'Zone', doc: 'Availability zone of the volume (the VM\'s zone when virtualmachineid is given)' }),
    diskofferingid: p.uuid({ entity: 'DiskOffering', doc: 'Disk offering that sizes and tags the volume' }),
    size: p.long({ doc: 'Size in GB, for a custom disk offering (at most max.volume.size.gb)' }),
    name: p.string({ doc: 'Name of the volume (its UUID by default)' }),
    account: p.string({ doc: 'Create for this account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the account' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'Attach the new volume to this VM at once' }),
    snapshotid: p.uuid({ entity: 'Snapshot', doc: 'Restore this snapshot into the new volume (a data disk, also for a root disk\'s snapshot); no disk offering then' }),
  },
  response: objectOf(volumeResponse),
  async create(ctx, params) {
    if (params.snapshotid !== undefined) {
      if (params.diskofferingid !== undefined || params.size !== undefined) throw paramError('A volume from a snapshot takes its size from the snapshot: give no diskofferingid or size');
      const v = await ctx.services.snapshotRestore.allocateVolume(ctx.caller, { snapshotId: params.snapshotid, name: params.name, zoneId: params.zoneid });
      return { uuid: v.uuid, ref: { volumeId: v.id } };
    }
    const v = await ctx.services.volumes.create(ctx.caller, params);
    return { uuid: v.uuid, ref: { volumeId: v.id } };
  },
  async handler(ctx, params, created) {
    const id = Number(created!.ref!['volumeId']);
    if (params.snapshotid !== undefined) await ctx.services.snapshotRestore.restoreVolume(ctx.caller, id, params.snapshotid);
    if (params.virtualmachineid !== undefined) await ctx.services.volumes.attach(ctx.caller, id, params.virtualmachineid);
    return volumeWire(ctx, id);
  },
});
