import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { volumeResponse } from '../../responses/volume.js';
import { USER_ROLES, prepareVolume, volumeWire } from './volume-common.js';

export default defineCommand({
  name: 'attachVolume',
  description: 'Attaches a data disk to a running or stopped VM; the first attach places the disk on a pool the VM reaches.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VOLUME.ATTACH',
  instanceType: 'Volume',
  params: {
    id: p.uuid({ entity: 'Volume', required: true, doc: 'The volume' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The virtual machine' }),
    deviceid: p.long({ doc: 'Device id of the disk in the VM: 1, 2, 4… (3 is the CD-ROM); the first free one by default' }),
  },
  response: objectOf(volumeResponse),
  async prepare(ctx, params) {
    await ctx.services.vms.access(ctx.caller, params.virtualmachineid);
    return prepareVolume(ctx, params.id);
  },
  async handler(ctx, params) {
    const v = await ctx.services.volumes.attach(ctx.caller, params.id, params.virtualmachineid, params.deviceid);
    return volumeWire(ctx, v.id);
  },
});
