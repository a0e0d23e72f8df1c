import { defineCommand, objectOf } from '../../define-command.js';
import { permissionDenied } from '../../errors.js';
import { p } from '../../params.js';
import { volumeResponse } from '../../responses/volume.js';
import { USER_ROLES, prepareVolume, volumeWire } from './volume-common.js';

export default defineCommand({
  name: 'migrateVolume',
  description: 'Moves a volume to another primary storage pool of its zone: detached, on a stopped VM, or live under a running VM (livemigrate).',
  // Every role may call it, as in CloudStack; the service lets only root admins move volumes.
  roles: [...USER_ROLES],
  async: true,
  event: 'VOLUME.MIGRATE',
  instanceType: 'Volume',
  params: {
    volumeid: p.uuid({ entity: 'Volume', required: true, doc: 'The volume' }),
    storageid: p.uuid({ entity: 'StoragePool', required: true, doc: 'Destination storage pool' }),
    livemigrate: p.boolean({ doc: 'Required for a volume of a running VM: the VM keeps running on the copy' }),
  },
  response: objectOf(volumeResponse),
  async prepare(ctx, params) {
    if (ctx.caller.roleType !== 'Admin') throw permissionDenied('Only a root admin can migrate volumes between storage pools');
    return prepareVolume(ctx, params.volumeid);
  },
  async handler(ctx, params) {
    const v = await ctx.services.volumes.ops.migrate(ctx.caller, params.volumeid, params.storageid, params.livemigrate === true);
    return volumeWire(ctx, v.id);
  },
});
