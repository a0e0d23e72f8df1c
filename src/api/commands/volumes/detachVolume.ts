import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { volumeResponse } from '../../responses/volume.js';
import { USER_ROLES, volumeWire } from './volume-common.js';

export default defineCommand({
  name: 'detachVolume',
  description: 'Detaches a data disk from its VM, named by id or by the VM and device id.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VOLUME.DETACH',
  instanceType: 'Volume',
  params: {
    id: p.uuid({ entity: 'Volume', doc: 'The volume' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'The VM (with deviceid)' }),
    deviceid: p.long({ doc: 'Device id of the disk in the VM (with virtualmachineid)' }),
  },
  response: objectOf(volumeResponse),
  async prepare(ctx, params) {
    if (params.id !== undefined) return { instanceUuid: (await ctx.services.volumes.access(ctx.caller, params.id)).uuid };
    if (params.virtualmachineid !== undefined) await ctx.services.vms.access(ctx.caller, params.virtualmachineid);
  },
  async handler(ctx, params) {
    const v = await ctx.services.volumes.detach(ctx.caller, params);
    return volumeWire(ctx, v.id);
  },
});
